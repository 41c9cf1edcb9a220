using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Staging;
using Cdc.Core.Targets;

namespace Cdc.Core.Tests.Orchestration;

/// <summary>An in-memory source of several tables that only snapshots: it has no changes to capture.</summary>
internal sealed class SnapshotOnlySource : ISourceConnector
{
    private readonly Dictionary<TableId, (TableSchema Schema, int Rows)> _tables = [];

    public SnapshotOnlySource(params (string Name, int Rows)[] tables)
    {
        foreach (var (name, rows) in tables)
        {
            var id = new TableId("public", name);
            _tables[id] = (new TableSchema(id, [new ColumnSchema("id", LogicalType.Int32, Nullable: false)], ["id"]), rows);
        }
    }

    public List<string> SnapshotsBegun { get; } = [];

    public Task<IReadOnlyList<TableSchema>> DiscoverAsync(IReadOnlyList<TableSelection> selection, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TableSchema>>([.. _tables.Values.Select(t => t.Schema)
            .Where(t => selection.Any(s => s.Schema == t.Table.Schema && (s.Table is null || s.Table == t.Table.Name)))]);

    public bool ReleasesChanges => false;

    public Task<IReadOnlyDictionary<TableId, string>> PrepareAsync(IReadOnlyList<CaptureTable> tables, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<TableId, string>>(new Dictionary<TableId, string>());

    public Task<long?> EstimateRowCountAsync(TableSchema table, CancellationToken cancellationToken) => Task.FromResult<long?>(_tables[table.Table].Rows);

    public Task<DateTimeOffset> CurrentTimeAsync(CancellationToken cancellationToken) => Task.FromResult(DateTimeOffset.UtcNow);

    public Task<string> BeginSnapshotAsync(TableSchema table, string? resumeFrom, CancellationToken cancellationToken)
    {
        lock (SnapshotsBegun) SnapshotsBegun.Add(table.Table.Name);
        return Task.FromResult("0");
    }

    public async IAsyncEnumerable<object?[]> ReadSnapshotChunkAsync(TableSchema table, object?[]? afterKey, int maxRows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = afterKey is null ? 0 : (int)afterKey[0]!;
        for (var id = after + 1; id <= _tables[table.Table].Rows && id <= after + maxRows; id++)
        {
            await Task.Yield();
            yield return [id];
        }
    }

    public Task EndSnapshotAsync(TableSchema table, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<string?> CaptureChangesAsync(IReadOnlyList<CaptureTable> tables, IChangeSink sink, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public Task AcknowledgeAsync(string position, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<string?> GetResumePositionAsync(CancellationToken cancellationToken) => Task.FromResult<string?>("0");

    public int ComparePositions(string left, string right) => int.Parse(left, System.Globalization.CultureInfo.InvariantCulture).CompareTo(int.Parse(right, System.Globalization.CultureInfo.InvariantCulture));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A target that keeps each target table's applied sequence and records what it applied; it fails the
/// source tables in <see cref="Failing"/>.</summary>
internal sealed class TableTarget : ITargetWriter
{
    private readonly Dictionary<string, long> _applied = [];

    public HashSet<string> Failing { get; } = [];

    public List<string> Calls { get; } = [];

    public Task<AppliedState?> GetAppliedStateAsync(IngestFlow flow, CancellationToken cancellationToken)
    {
        lock (_applied)
            return Task.FromResult(_applied.TryGetValue(flow.TargetTable, out var sequence) ? new AppliedState(sequence, 1, null, DateTimeOffset.UnixEpoch) : null);
    }

    public async Task<ApplyResult> LoadSnapshotAsync(IngestFlow flow, IAsyncEnumerable<CommitRecord> chunks, Func<CommitRecord, IAsyncEnumerable<ChangeRow>> readRows, CancellationToken cancellationToken)
    {
        if (Failing.Contains(flow.Source.Name)) throw new InvalidOperationException($"{flow.TargetTable} is locked");
        long rows = 0;
        CommitRecord? last = null;
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            last = chunk;
            await foreach (var _ in readRows(chunk).WithCancellation(cancellationToken)) rows++;
        }
        lock (_applied)
        {
            Calls.Add($"{flow.TargetTable} snapshot g{last!.SnapshotGeneration} rows={rows}");
            _applied[flow.TargetTable] = last.Sequence;
        }
        return new ApplyResult(rows, rows, 0, 0);
    }

    public Task<ApplyResult> ApplyChangesAsync(IngestFlow flow, CommitRecord batch, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the source has no changes");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
