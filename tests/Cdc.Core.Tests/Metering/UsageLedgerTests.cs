using Cdc.Core.Metering;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;

namespace Cdc.Core.Tests.Metering;

public sealed class UsageLedgerTests : IDisposable
{
    private static readonly DateTimeOffset June10 = new(2025, 6, 10, 23, 30, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-ledger-").FullName;
    private readonly CountingStore _store;
    private readonly UsageLedger _ledger;

    public UsageLedgerTests()
    {
        _store = new CountingStore(new LocalFolderStore(_folder));
        _ledger = new UsageLedger(_store);
    }

    [Fact]
    public async Task A_run_is_one_create_only_object_in_the_folder_of_the_day_it_started()
    {
        var run = MeteringTestKit.RunRecord("orders", "run-1", June10, gbSeconds: 4);
        var table = run with { Step = UsageStep.Gateway, Table = MeteringTestKit.Items, Start = June10.AddHours(1) };

        (await _ledger.AppendAsync([run, table], CancellationToken.None)).Should().BeTrue();
        (await _ledger.AppendAsync([run with { MemoryGbSeconds = 99 }], CancellationToken.None)).Should().BeFalse();

        var paths = await _store.ListAsync("usage/", CancellationToken.None).Select(e => e.Path).ToListAsync();
        paths.Should().Equal("usage/2025-06-10/runs/orders.run-1.json");
        var read = await _ledger.ReadAsync(new DateOnly(2025, 6, 10), new DateOnly(2025, 6, 11), CancellationToken.None);
        read.Should().BeEquivalentTo([run, table], o => o.WithStrictOrdering());
        (await _ledger.ReadAsync(new DateOnly(2025, 6, 11), new DateOnly(2025, 6, 30), CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_day_with_many_runs_is_rolled_up_so_later_reads_take_one_request_and_later_runs_are_still_read()
    {
        for (var i = 0; i < UsageLedger.RollupThreshold; i++)
            await _ledger.AppendAsync([MeteringTestKit.RunRecord("orders", $"run-{i:D2}", June10, gbSeconds: 1)], CancellationToken.None);
        var day = DateOnly.FromDateTime(June10.UtcDateTime);

        var first = await _ledger.ReadDayAsync(day, CancellationToken.None);
        _store.Reads = 0;
        var again = await _ledger.ReadDayAsync(day, CancellationToken.None);
        var readsWithRollup = _store.Reads;
        await _ledger.AppendAsync([MeteringTestKit.RunRecord("orders", "late", June10, gbSeconds: 1)], CancellationToken.None);
        var later = await _ledger.ReadDayAsync(day, CancellationToken.None);

        first.Should().HaveCount(UsageLedger.RollupThreshold);
        again.Should().BeEquivalentTo(first);
        readsWithRollup.Should().Be(1);
        later.Select(r => r.RunId).Should().HaveCount(UsageLedger.RollupThreshold + 1).And.OnlyHaveUniqueItems().And.Contain("late");
    }

    [Fact]
    public async Task A_range_is_listed_once_and_split_by_day()
    {
        for (var d = 0; d < 40; d += 3)
            await _ledger.AppendAsync([MeteringTestKit.RunRecord("orders", $"run-{d}", June10.AddDays(d), gbSeconds: 1)], CancellationToken.None);
        _store.Lists = 0;

        var days = await _ledger.ReadDaysAsync(new DateOnly(2025, 6, 12), new DateOnly(2025, 7, 10), CancellationToken.None);

        days.Select(d => d.Day.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Should().Equal("06-13", "06-16", "06-19", "06-22", "06-25", "06-28", "07-01", "07-04", "07-07", "07-10");
        days.Should().OnlyContain(d => d.Records.Count == 1 && DateOnly.FromDateTime(d.Records[0].Start.UtcDateTime) == d.Day);
        _store.Lists.Should().Be(1);
    }

    /// <summary>Counts reads and listings of the store beneath.</summary>
    private sealed class CountingStore(IStagingStore inner) : IStagingStore
    {
        public int Reads { get; set; }

        public int Lists { get; set; }

        public string Description => inner.Description;

        public Task<string> WriteAsync(string path, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken) =>
            inner.WriteAsync(path, content, condition, cancellationToken);

        public Task<StoredObject?> ReadAsync(string path, CancellationToken cancellationToken)
        {
            Reads++;
            return inner.ReadAsync(path, cancellationToken);
        }

        public IAsyncEnumerable<StagedEntry> ListAsync(string prefix, CancellationToken cancellationToken)
        {
            Lists++;
            return inner.ListAsync(prefix, cancellationToken);
        }

        public Task DeleteAsync(string path, string? ifMatch, CancellationToken cancellationToken) => inner.DeleteAsync(path, ifMatch, cancellationToken);

        public Task CopyAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken) => inner.CopyAsync(sourcePath, destinationPath, cancellationToken);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
