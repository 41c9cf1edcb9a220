using Cdc.Core.Model;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Tests.Runs;

public sealed class GatewayStepTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-gateway-tests-").FullName;
    private readonly LocalFolderStore _store;
    private readonly StagingArea _staging;
    private readonly GatewayStateStore _states;

    public GatewayStepTests()
    {
        _store = new LocalFolderStore(_folder);
        _staging = new StagingArea(_store, NullLogger.Instance);
        _states = new GatewayStateStore(_store);
    }

    private GatewayStep Gateway(FakeSource source, int chunkRows = 10, int maxBatchRows = 1000) =>
        new(source, _staging, _states, new GatewaySettings(2, chunkRows, maxBatchRows), TimeProvider.System, NullLogger.Instance);

    private Task<IReadOnlyDictionary<TableId, GatewayTableResult>> RunAsync(FakeSource source, int chunkRows = 10, params TableId[] refresh) =>
        Gateway(source, chunkRows).RunAsync("test", [source.Table], refresh.ToHashSet(), null, CancellationToken.None);

    [Fact]
    public async Task First_run_snapshots_in_key_chunks_with_cursors_and_a_final_chunk()
    {
        var source = new FakeSource(FakeSource.Schema());
        source.Seed(25);

        await RunAsync(source);

        var commits = await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None);
        commits.Select(c => (c.Kind, c.RowCount, c.SnapshotFinal)).Should().Equal(
            (BatchKind.SnapshotChunk, 10L, false), (BatchKind.SnapshotChunk, 10L, false), (BatchKind.SnapshotChunk, 5L, true));
        commits.Select(c => c.SnapshotCursor).Should().Equal("[\"10\"]", "[\"20\"]", "[\"25\"]");
        commits.Should().OnlyContain(c => c.SnapshotGeneration == 1);
        var state = (await _states.ReadTableAsync(source.Table.Table, CancellationToken.None))!.Value;
        state.Should().Match<TableGatewayState>(s => s.SnapshotComplete && s.LastSequence == 3 && s.SnapshotGeneration == 1);
    }

    [Fact]
    public async Task A_failed_snapshot_resumes_after_its_last_committed_chunk_and_holds_the_acknowledgement()
    {
        var source = new FakeSource(FakeSource.Schema());
        source.Seed(25);
        source.FailChunkRead = 2;

        var failed = await RunAsync(source);
        failed[source.Table.Table].Error.Should().Contain("chunk read failed");
        source.Acknowledgements.Should().BeEmpty("nothing may be released while the table's snapshot is incomplete");
        (await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None)).Should().ContainSingle();
        source.Upsert(100, "changed while the snapshot was incomplete");

        await RunAsync(source);

        var commits = await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None);
        commits.Where(c => c.Kind == BatchKind.SnapshotChunk).Sum(c => c.RowCount).Should().Be(26, "the resumed snapshot reads each row exactly once");
        commits.Where(c => c.Kind == BatchKind.SnapshotChunk).Select(c => c.SnapshotGeneration).Should().OnlyContain(g => g == 1);
        source.SnapshotsBegun.Should().Be(2);
        var start = commits.First(c => c.Kind == BatchKind.SnapshotChunk).FromPosition;
        source.SnapshotResumedFrom.Should().Equal([null, start], "a resumed snapshot is handed the start its first chunk recorded");
    }

    [Fact]
    public async Task Changes_are_staged_once_then_acknowledged()
    {
        var source = new FakeSource(FakeSource.Schema());
        source.Seed(3);
        await RunAsync(source);
        source.Upsert(4, "four");
        source.Upsert(1, "one changed");
        source.Delete(2);

        await RunAsync(source);

        var changes = (await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None)).Where(c => c.Kind == BatchKind.Changes).ToList();
        changes.Should().ContainSingle().Which.Should().Match<CommitRecord>(c => c.RowCount == 3 && c.ToPosition == "3");
        var rows = await _staging.ReadRowsAsync(changes[0], CancellationToken.None).ToListAsync();
        rows.Select(r => r.Kind).Should().Equal(ChangeKind.Insert, ChangeKind.Update, ChangeKind.Delete);
        source.Acknowledged.Should().Be(3);
    }

    [Fact]
    public async Task Transactions_staged_before_a_crash_are_not_staged_again_when_read_twice()
    {
        var source = new FakeSource(FakeSource.Schema());
        source.Seed(1);
        await RunAsync(source);
        source.Upsert(2, "two");
        source.Upsert(3, "three");
        // Stage the changes but "crash" before acknowledging: run the capture through a gateway whose acknowledge is lost.
        var forgetful = new ForgetfulAcknowledgeSource(source);
        await new GatewayStep(forgetful, _staging, _states, new GatewaySettings(1, 10, 1000), TimeProvider.System, NullLogger.Instance)
            .RunAsync("crashed", [source.Table], new HashSet<TableId>(), null, CancellationToken.None);
        source.Acknowledged.Should().Be(0, "the acknowledgement was lost");
        source.Upsert(4, "four");

        await RunAsync(source);

        var changes = (await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None)).Where(c => c.Kind == BatchKind.Changes).ToList();
        changes.Select(c => c.RowCount).Should().Equal([2L, 1L], "the re-read transactions 1 and 2 are skipped, only 3 is new");
        source.Acknowledged.Should().Be(3);
    }

    [Fact]
    public async Task A_full_refresh_starts_a_new_generation()
    {
        var source = new FakeSource(FakeSource.Schema());
        source.Seed(5);
        await RunAsync(source);

        await RunAsync(source, 10, source.Table.Table);

        var chunks = (await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None)).Where(c => c.Kind == BatchKind.SnapshotChunk).ToList();
        chunks.Select(c => (c.SnapshotGeneration, c.SnapshotFinal, c.RowCount)).Should().Equal((1, true, 5L), (2, true, 5L));
        var state = (await _states.ReadTableAsync(source.Table.Table, CancellationToken.None))!.Value;
        state.FullRefreshRequested.Should().BeFalse();
    }

    [Fact]
    public async Task A_schema_change_without_rows_is_staged_as_an_empty_batch_with_the_new_schema()
    {
        var source = new FakeSource(FakeSource.Schema());
        source.Seed(2);
        await RunAsync(source);
        source.Table = new TableSchema(source.Table.Table, [.. source.Table.Columns, new ColumnSchema("email", LogicalType.String)], ["id"]);
        var events = new List<RunEvent>();

        await Gateway(source).RunAsync("test", [source.Table], new HashSet<TableId>(), new SynchronousProgress(events.Add), CancellationToken.None);

        var last = await _staging.LastCommitAsync(source.Table.Table, CancellationToken.None);
        last!.Kind.Should().Be(BatchKind.Changes);
        last.RowCount.Should().Be(0);
        last.Schema.Find("email").Should().NotBeNull();
        events.OfType<SchemaChanged>().Should().ContainSingle().Which.AddedColumns.Should().Equal("email");

        await RunAsync(source);
        (await _staging.LastCommitAsync(source.Table.Table, CancellationToken.None))!.Sequence.Should().Be(last.Sequence, "an unchanged schema stages nothing");
    }

    [Fact]
    public async Task When_capture_starts_over_a_captured_table_is_snapshotted_again_instead_of_skipping_ahead()
    {
        var source = new FakeSource(FakeSource.Schema());
        source.Seed(3);
        await RunAsync(source);
        source.CaptureRestarts = true;

        await RunAsync(source);

        var chunks = (await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None)).Where(c => c.Kind == BatchKind.SnapshotChunk).ToList();
        chunks.Select(c => c.SnapshotGeneration).Should().Equal(1, 2);
        chunks[^1].SnapshotFinal.Should().BeTrue();
    }

    [Fact]
    public async Task A_table_that_fails_after_its_snapshot_completed_is_still_captured_so_its_changes_are_not_released_unstaged()
    {
        var source = new FakeSource(FakeSource.Schema());
        source.Seed(3);
        source.Upsert(10, "changed during the snapshot");
        var failing = new SynchronousProgress(e =>
        {
            if (e is SnapshotChunkStaged { Final: true }) throw new IOException("progress output closed");
        });

        var results = await Gateway(source).RunAsync("test", [source.Table], new HashSet<TableId>(), failing, CancellationToken.None);

        results[source.Table.Table].Error.Should().Contain("progress output closed");
        var changes = (await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None)).Where(c => c.Kind == BatchKind.Changes).ToList();
        changes.Should().ContainSingle("the change after the snapshot's start is staged before it is acknowledged");
        source.Acknowledged.Should().Be(1);
    }

    [Fact]
    public async Task A_table_that_left_the_pipeline_while_changes_were_released_is_snapshotted_again_when_it_returns()
    {
        var orders = new FakeSource(FakeSource.Schema("orders"));
        orders.Seed(2);
        await RunAsync(orders);
        var other = new FakeSource(FakeSource.Schema("other"));
        other.Seed(1);
        await RunAsync(other);
        var events = new List<RunEvent>();

        await Gateway(orders).RunAsync("test", [orders.Table], new HashSet<TableId>(), new SynchronousProgress(events.Add), CancellationToken.None);

        var chunks = (await _staging.ListCommitsAsync(orders.Table.Table, 0, CancellationToken.None)).Where(c => c.Kind == BatchKind.SnapshotChunk).ToList();
        chunks.Select(c => c.SnapshotGeneration).Should().Equal(1, 2);
        events.OfType<RetentionGap>().Should().ContainSingle().Which.Table.Should().Be(orders.Table.Table);

        await RunAsync(orders);
        (await _staging.ListCommitsAsync(orders.Table.Table, 0, CancellationToken.None)).Count(c => c.Kind == BatchKind.SnapshotChunk).Should().Be(2, "a table captured every round resumes");
    }

    [Fact]
    public async Task A_transaction_cut_off_mid_capture_is_never_staged_in_part_and_is_read_again_whole()
    {
        var source = new FakeSource(FakeSource.Schema());
        source.Seed(1);
        await RunAsync(source);
        source.Upsert(2, "two");
        source.Upsert(3, "three");
        source.CutOffLastTransaction = true;

        await RunAsync(source);

        (await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None)).Should().OnlyContain(c => c.Kind == BatchKind.SnapshotChunk,
            "the batch holding the cut-off transaction is abandoned, not committed");
        source.Acknowledged.Should().Be(0, "the source is held where the abandoned batch started");

        await RunAsync(source);

        var changes = (await _staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None)).Where(c => c.Kind == BatchKind.Changes).ToList();
        changes.Should().ContainSingle().Which.RowCount.Should().Be(2);
        source.Acknowledged.Should().Be(2);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class SynchronousProgress(Action<RunEvent> report) : IProgress<RunEvent>
    {
        public void Report(RunEvent value) => report(value);
    }

    /// <summary>Delegates everything but drops acknowledgements, as a crash right after staging would.</summary>
    private sealed class ForgetfulAcknowledgeSource(FakeSource inner) : Cdc.Core.Sources.ISourceConnector
    {
        public Task<IReadOnlyList<TableSchema>> DiscoverAsync(IReadOnlyList<Cdc.Core.Sources.TableSelection> selection, CancellationToken cancellationToken) => inner.DiscoverAsync(selection, cancellationToken);
        public bool ReleasesChanges => inner.ReleasesChanges;
        public Task<IReadOnlyDictionary<TableId, string>> PrepareAsync(IReadOnlyList<Cdc.Core.Sources.CaptureTable> tables, CancellationToken cancellationToken) => inner.PrepareAsync(tables, cancellationToken);
        public Task<long?> EstimateRowCountAsync(TableSchema table, CancellationToken cancellationToken) => inner.EstimateRowCountAsync(table, cancellationToken);
        public Task<DateTimeOffset> CurrentTimeAsync(CancellationToken cancellationToken) => inner.CurrentTimeAsync(cancellationToken);
        public Task<string> BeginSnapshotAsync(TableSchema table, string? resumeFrom, CancellationToken cancellationToken) => inner.BeginSnapshotAsync(table, resumeFrom, cancellationToken);
        public IAsyncEnumerable<object?[]> ReadSnapshotChunkAsync(TableSchema table, object?[]? afterKey, int maxRows, CancellationToken cancellationToken) => inner.ReadSnapshotChunkAsync(table, afterKey, maxRows, cancellationToken);
        public Task EndSnapshotAsync(TableSchema table, CancellationToken cancellationToken) => inner.EndSnapshotAsync(table, cancellationToken);
        public Task<string?> CaptureChangesAsync(IReadOnlyList<Cdc.Core.Sources.CaptureTable> tables, Cdc.Core.Sources.IChangeSink sink, CancellationToken cancellationToken) => inner.CaptureChangesAsync(tables, sink, cancellationToken);
        public Task AcknowledgeAsync(string position, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task<string?> GetResumePositionAsync(CancellationToken cancellationToken) => inner.GetResumePositionAsync(cancellationToken);
        public int ComparePositions(string left, string right) => inner.ComparePositions(left, right);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
