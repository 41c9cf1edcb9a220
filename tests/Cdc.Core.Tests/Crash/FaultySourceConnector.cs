using Cdc.Core.Model;
using Cdc.Core.Sources;

namespace Cdc.Core.Tests.Crash;

/// <summary>Crashes around the source's acknowledgement and between captured transactions.</summary>
public sealed class FaultySourceConnector(ISourceConnector inner, FaultPlan plan) : ISourceConnector
{
    public Task<IReadOnlyList<TableSchema>> DiscoverAsync(IReadOnlyList<TableSelection> selection, CancellationToken cancellationToken) => inner.DiscoverAsync(selection, cancellationToken);

    public bool ReleasesChanges => inner.ReleasesChanges;

    public Task<IReadOnlyDictionary<TableId, string>> PrepareAsync(IReadOnlyList<CaptureTable> tables, CancellationToken cancellationToken) => inner.PrepareAsync(tables, cancellationToken);

    public Task<long?> EstimateRowCountAsync(TableSchema table, CancellationToken cancellationToken) => inner.EstimateRowCountAsync(table, cancellationToken);

    public Task<DateTimeOffset> CurrentTimeAsync(CancellationToken cancellationToken) => inner.CurrentTimeAsync(cancellationToken);

    public Task<string> BeginSnapshotAsync(TableSchema table, string? resumeFrom, CancellationToken cancellationToken) => inner.BeginSnapshotAsync(table, resumeFrom, cancellationToken);

    public IAsyncEnumerable<object?[]> ReadSnapshotChunkAsync(TableSchema table, object?[]? afterKey, int maxRows, CancellationToken cancellationToken) =>
        inner.ReadSnapshotChunkAsync(table, afterKey, maxRows, cancellationToken);

    public Task EndSnapshotAsync(TableSchema table, CancellationToken cancellationToken) => inner.EndSnapshotAsync(table, cancellationToken);

    public Task<string?> CaptureChangesAsync(IReadOnlyList<CaptureTable> tables, IChangeSink sink, CancellationToken cancellationToken) =>
        inner.CaptureChangesAsync(tables, new FaultySink(sink, plan), cancellationToken);

    public Task AcknowledgeAsync(string position, CancellationToken cancellationToken) =>
        plan.RunAsync($"acknowledge {position}", () => inner.AcknowledgeAsync(position, cancellationToken));

    public Task<string?> GetResumePositionAsync(CancellationToken cancellationToken) => inner.GetResumePositionAsync(cancellationToken);

    public int ComparePositions(string left, string right) => inner.ComparePositions(left, right);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private sealed class FaultySink(IChangeSink inner, FaultPlan plan) : IChangeSink
    {
        public ValueTask BeginTransactionAsync(string commitPosition, CancellationToken cancellationToken) => inner.BeginTransactionAsync(commitPosition, cancellationToken);

        public ValueTask ChangeAsync(TableSchema schema, ChangeRow row, CancellationToken cancellationToken) => inner.ChangeAsync(schema, row, cancellationToken);

        public ValueTask AdvanceAsync(TableId table, string position, CancellationToken cancellationToken) => inner.AdvanceAsync(table, position, cancellationToken);

        public async ValueTask CommitAsync(string position, CancellationToken cancellationToken)
        {
            plan.Point($"captured transaction {position}");
            await inner.CommitAsync(position, cancellationToken);
        }
    }
}
