using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Tests.Runs;

/// <summary>What the gateway does when a table's saved position is older than the source keeps changes for.</summary>
public sealed class RetentionGapPolicyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-retention-tests-").FullName;
    private readonly StagingArea _staging;
    private readonly GatewayStateStore _states;

    public RetentionGapPolicyTests()
    {
        var store = new LocalFolderStore(_folder);
        _staging = new StagingArea(store, NullLogger.Instance);
        _states = new GatewayStateStore(store);
    }

    private Task<IReadOnlyDictionary<TableId, GatewayTableResult>> RunAsync(FakeSource source, RetentionGapPolicy policy, List<RunEvent>? events = null, params TableId[] refresh) =>
        new GatewayStep(source, _staging, _states, new GatewaySettings(2, 10, 1000, policy), TimeProvider.System, NullLogger.Instance)
            .RunAsync("test", [source.Table], refresh.ToHashSet(), events is null ? null : new ListProgress(events), CancellationToken.None);

    private async Task<List<int>> SnapshotGenerationsAsync(FakeSource source) =>
        (await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None))
            .Where(c => c.Kind == BatchKind.SnapshotChunk && c.SnapshotFinal).Select(c => c.SnapshotGeneration).ToList();

    [Fact]
    public async Task A_gap_under_resnapshot_reports_it_and_snapshots_the_table_again()
    {
        var source = new FakeSource(FakeSource.Schema());
        source.Seed(3);
        await RunAsync(source, RetentionGapPolicy.Resnapshot);
        source.ExpiredPositions.Add(source.Table.Table);
        var events = new List<RunEvent>();

        var results = await RunAsync(source, RetentionGapPolicy.Resnapshot, events);

        results[source.Table.Table].Error.Should().BeNull();
        events.OfType<RetentionGap>().Should().ContainSingle().Which.Reason.Should().Contain("older than the source keeps");
        (await SnapshotGenerationsAsync(source)).Should().Equal(1, 2);
    }

    [Fact]
    public async Task A_gap_under_fail_fails_the_table_until_a_full_refresh_is_asked_for()
    {
        var source = new FakeSource(FakeSource.Schema());
        source.Seed(3);
        await RunAsync(source, RetentionGapPolicy.Fail);
        source.ExpiredPositions.Add(source.Table.Table);
        source.Upsert(7, "a change the gap may have hidden");

        var failed = await RunAsync(source, RetentionGapPolicy.Fail);
        failed[source.Table.Table].Error.Should().Contain("on_retention_gap is fail").And.Contain("full refresh");
        var staged = await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None);
        staged.Should().NotContain(c => c.Kind == BatchKind.Changes, "a table with a gap is never captured past it");

        // The source no longer reports the gap (its position was never advanced), but the table stays failed.
        var again = await RunAsync(source, RetentionGapPolicy.Fail);
        again[source.Table.Table].Error.Should().Contain("on_retention_gap is fail");

        var refreshed = await RunAsync(source, RetentionGapPolicy.Fail, refresh: source.Table.Table);
        refreshed[source.Table.Table].Error.Should().BeNull();
        (await SnapshotGenerationsAsync(source)).Should().Equal(1, 2);
        var state = (await _states.ReadTableAsync(source.Table.Table, CancellationToken.None))!.Value;
        state.RetentionGap.Should().BeNull("the new snapshot clears the gap");
    }

    [Fact]
    public async Task A_source_with_per_table_positions_does_not_resnapshot_a_table_that_left_and_came_back()
    {
        var orders = new FakeSource(FakeSource.Schema("orders")) { ReleasesChanges = false };
        orders.Seed(2);
        await RunAsync(orders, RetentionGapPolicy.Resnapshot);
        var other = new FakeSource(FakeSource.Schema("other")) { ReleasesChanges = false };
        other.Seed(1);
        await RunAsync(other, RetentionGapPolicy.Resnapshot);
        var events = new List<RunEvent>();

        await RunAsync(orders, RetentionGapPolicy.Resnapshot, events);

        events.OfType<RetentionGap>().Should().BeEmpty("its own position is still valid; the source would report a gap if it were not");
        (await SnapshotGenerationsAsync(orders)).Should().Equal(1);
    }

    [Fact]
    public async Task Capture_is_handed_each_tables_own_resume_position()
    {
        var source = new FakeSource(FakeSource.Schema()) { ReleasesChanges = false };
        source.Seed(3);
        await RunAsync(source, RetentionGapPolicy.Resnapshot);
        var snapshotStart = (await _states.ReadTableAsync(source.Table.Table, CancellationToken.None))!.Value.SnapshotStartPosition;
        source.Upsert(9, "nine");

        await RunAsync(source, RetentionGapPolicy.Resnapshot);
        var staged = (await _states.ReadTableAsync(source.Table.Table, CancellationToken.None))!.Value.Position;
        await RunAsync(source, RetentionGapPolicy.Resnapshot);

        source.CapturedFrom.Should().Equal(snapshotStart, snapshotStart, staged);
    }

    [Fact]
    public async Task An_idle_table_of_a_per_table_source_keeps_up_with_the_source_without_staging_a_batch()
    {
        var source = new FakeSource(FakeSource.Schema()) { ReleasesChanges = false };
        source.Seed(3);
        await RunAsync(source, RetentionGapPolicy.Resnapshot);
        var batches = (await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None)).Count;
        source.AdvanceHead(5);

        await RunAsync(source, RetentionGapPolicy.Resnapshot);

        var state = (await _states.ReadTableAsync(source.Table.Table, CancellationToken.None))!.Value;
        int.Parse(state.Position!, System.Globalization.CultureInfo.InvariantCulture).Should().Be(int.Parse(state.SnapshotStartPosition!, System.Globalization.CultureInfo.InvariantCulture) + 5);
        (await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None)).Should().HaveCount(batches, "moving a position stages nothing");
        await RunAsync(source, RetentionGapPolicy.Resnapshot);
        source.CapturedFrom[^1].Should().Be(state.Position, "the next capture starts where the idle table was moved to");
    }

    [Fact]
    public async Task A_batch_open_when_the_source_advances_the_table_ends_at_the_advanced_position()
    {
        var source = new FakeSource(FakeSource.Schema()) { ReleasesChanges = false };
        source.Seed(3);
        await RunAsync(source, RetentionGapPolicy.Resnapshot);
        source.Upsert(4, "four");
        source.AdvanceHead(2);

        await RunAsync(source, RetentionGapPolicy.Resnapshot);

        var batch = (await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None)).Single(c => c.Kind == BatchKind.Changes);
        batch.RowCount.Should().Be(1);
        var head = (await _states.ReadTableAsync(source.Table.Table, CancellationToken.None))!.Value.Position;
        batch.ToPosition.Should().Be(head, "the batch covers everything read up to the advance");
        int.Parse(head!, System.Globalization.CultureInfo.InvariantCulture).Should().Be(int.Parse(batch.FromPosition ?? "0", System.Globalization.CultureInfo.InvariantCulture) + 3);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class ListProgress(List<RunEvent> events) : IProgress<RunEvent>
    {
        public void Report(RunEvent value)
        {
            lock (events) events.Add(value);
        }
    }
}
