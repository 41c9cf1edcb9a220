using Cdc.Core.Staging.Stores;
using Cdc.Core.State;
using Cdc.Core.Tests.Staging;

namespace Cdc.Core.Tests.State;

public sealed class PipelineLeaseTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly TempFolder _folder = new();
    private readonly LocalFolderStore _store;
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2024, 7, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly PipelineLease _lease;

    public PipelineLeaseTests()
    {
        _store = new LocalFolderStore(_folder.Path);
        _lease = new PipelineLease(_store, _time);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_free_lease_is_taken_and_recorded()
    {
        await using var handle = await _lease.AcquireAsync("orders", "run-1", Minute, None);

        handle.Info.RunId.Should().Be("run-1");
        handle.Info.Holder.Should().Contain(Environment.MachineName).And.Contain(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        handle.Info.ExpiresAt.Should().Be(_time.GetUtcNow() + Minute);
        (await _lease.GetHolderAsync("orders", None)).Should().Be(handle.Info);
        var json = File.ReadAllText(Path.Combine(_folder.Path, "leases", "orders.json"));
        json.Should().Contain("\"runId\": \"run-1\"").And.Contain("\"expiresAt\"").And.Contain("\"holder\"");
    }

    [Fact]
    public async Task A_live_lease_makes_another_run_busy_and_names_the_holder()
    {
        await using var held = await _lease.AcquireAsync("orders", "run-1", Minute, None);
        _time.Advance(TimeSpan.FromSeconds(59));

        var act = () => _lease.AcquireAsync("orders", "run-2", Minute, None);

        var busy = (await act.Should().ThrowAsync<PipelineBusyException>()).Which;
        busy.Message.Should().Contain("run-1").And.Contain("orders");
        busy.Holder.RunId.Should().Be("run-1");
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_the_old_holder_loses_it()
    {
        var old = await _lease.AcquireAsync("orders", "run-1", Minute, None);
        _time.Advance(Minute);
        (await _lease.GetHolderAsync("orders", None)).Should().BeNull("an expired lease has no holder");

        await using var taken = await _lease.AcquireAsync("orders", "run-2", Minute, None);
        var renew = () => old.RenewAsync(None);

        await renew.Should().ThrowAsync<LeaseLostException>().WithMessage("*run-1*");
        await old.DisposeAsync();
        (await _lease.GetHolderAsync("orders", None))!.RunId.Should().Be("run-2", "the loser's release must not free the winner's lease");
    }

    [Fact]
    public async Task Renewing_extends_the_lease()
    {
        await using var handle = await _lease.AcquireAsync("orders", "run-1", Minute, None);
        _time.Advance(TimeSpan.FromSeconds(50));
        await handle.RenewAsync(None);
        _time.Advance(TimeSpan.FromSeconds(50));

        (await _lease.GetHolderAsync("orders", None))!.ExpiresAt.Should().Be(_time.GetUtcNow() + TimeSpan.FromSeconds(10));
        var act = () => _lease.AcquireAsync("orders", "run-2", Minute, None);
        await act.Should().ThrowAsync<PipelineBusyException>();
    }

    [Fact]
    public async Task Releasing_frees_the_lease_for_the_next_run()
    {
        var handle = await _lease.AcquireAsync("orders", "run-1", Minute, None);
        await handle.DisposeAsync();
        await handle.DisposeAsync();

        (await _lease.GetHolderAsync("orders", None)).Should().BeNull();
        await using var next = await _lease.AcquireAsync("orders", "run-2", Minute, None);
        next.Info.RunId.Should().Be("run-2");
    }

    [Fact]
    public async Task Leases_of_different_pipelines_are_independent_and_racing_runs_get_one_lease()
    {
        await using var other = await _lease.AcquireAsync("customers", "run-c", Minute, None);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                return await new PipelineLease(new LocalFolderStore(_folder.Path), _time).AcquireAsync("orders", $"run-{i}", Minute, None);
            }
            catch (PipelineBusyException)
            {
                return null;
            }
        })));

        var winners = outcomes.Where(h => h is not null).ToList();
        winners.Should().ContainSingle();
        (await _lease.GetHolderAsync("orders", None))!.RunId.Should().Be(winners[0]!.Info.RunId);
        (await _lease.GetHolderAsync("customers", None))!.RunId.Should().Be("run-c");
    }
}

/// <summary>A clock that only moves when told to.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
