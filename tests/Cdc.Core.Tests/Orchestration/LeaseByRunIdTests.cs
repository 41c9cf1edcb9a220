using Cdc.Core.Staging.Stores;
using Cdc.Core.State;
using Cdc.Core.Tests.Metering;

namespace Cdc.Core.Tests.Orchestration;

/// <summary>The lease operations an orchestrated run's activities use from any process: renew and release by run id.</summary>
public sealed class LeaseByRunIdTests : IDisposable
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(3);
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-lease-run-").FullName;
    private readonly LocalFolderStore _store;
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly PipelineLease _lease;

    public LeaseByRunIdTests()
    {
        _store = new LocalFolderStore(_folder);
        _lease = new PipelineLease(_store, _time);
    }

    [Fact]
    public async Task A_run_renews_its_lease_from_anywhere_but_only_once_a_third_of_it_has_passed()
    {
        await _lease.AcquireAsync("p", "run-1", Duration, CancellationToken.None);
        var written = await ETagAsync();

        _time.Now += TimeSpan.FromMinutes(0.5);
        (await new PipelineLease(_store, _time).RenewAsync("p", "run-1", Duration, CancellationToken.None)).ExpiresAt.Should().Be(_time.Now.AddMinutes(2.5));
        (await ETagAsync()).Should().Be(written, "more than two thirds were left: nothing was written");

        _time.Now += TimeSpan.FromMinutes(1.5);
        var renewed = await new PipelineLease(_store, _time).RenewAsync("p", "run-1", Duration, CancellationToken.None);

        renewed.ExpiresAt.Should().Be(_time.Now + Duration);
        (await ETagAsync()).Should().NotBe(written);
        (await _lease.GetHolderAsync("p", CancellationToken.None))!.ExpiresAt.Should().Be(_time.Now + Duration);
    }

    [Fact]
    public async Task Another_runs_lease_is_neither_renewed_nor_released_and_an_expired_one_taken_over_is_lost()
    {
        await _lease.AcquireAsync("p", "run-1", Duration, CancellationToken.None);

        var renewOther = () => _lease.RenewAsync("p", "run-2", Duration, CancellationToken.None);
        await renewOther.Should().ThrowAsync<LeaseLostException>().WithMessage("*run-2*'p'*");
        (await _lease.ReleaseAsync("p", "run-2", CancellationToken.None)).Should().BeFalse();
        (await _lease.GetHolderAsync("p", CancellationToken.None))!.RunId.Should().Be("run-1");

        _time.Now += Duration + TimeSpan.FromSeconds(1);
        await _lease.AcquireAsync("p", "run-2", Duration, CancellationToken.None);
        var renewTakenOver = () => _lease.RenewAsync("p", "run-1", Duration, CancellationToken.None);
        await renewTakenOver.Should().ThrowAsync<LeaseLostException>();
        (await _lease.ReleaseAsync("p", "run-1", CancellationToken.None)).Should().BeFalse();
    }

    [Fact]
    public async Task The_holder_releases_its_lease_by_run_id_and_an_expired_lease_nobody_took_is_still_its_own()
    {
        await _lease.AcquireAsync("p", "run-1", Duration, CancellationToken.None);
        _time.Now += Duration + TimeSpan.FromMinutes(1);

        (await _lease.RenewAsync("p", "run-1", Duration, CancellationToken.None)).ExpiresAt.Should().Be(_time.Now + Duration);
        (await _lease.ReleaseAsync("p", "run-1", CancellationToken.None)).Should().BeTrue();

        (await _lease.GetHolderAsync("p", CancellationToken.None)).Should().BeNull();
        (await _lease.ReleaseAsync("p", "run-1", CancellationToken.None)).Should().BeFalse("it is gone already");
        var renewGone = () => _lease.RenewAsync("p", "run-1", Duration, CancellationToken.None);
        await renewGone.Should().ThrowAsync<LeaseLostException>();
    }

    private async Task<string> ETagAsync() => (await _store.ReadAsync(PipelineLease.LeasePath("p"), CancellationToken.None))!.ETag;

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
