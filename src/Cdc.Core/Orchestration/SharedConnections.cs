using Cdc.Core.Model;
using Cdc.Core.Runs;
using Cdc.Core.Sources;
using Cdc.Core.Staging;
using Cdc.Core.Targets;

namespace Cdc.Core.Orchestration;

/// <summary>
/// Lets the activities of a run that runs whole in one process share one source connector and one target writer, as
/// a single process can: connection pools, and a snapshot the source exported while it was prepared, then last for
/// the run instead of one step. Each activity gets a view it may dispose; the shared ones are disposed with this.
/// </summary>
internal sealed class SharedConnections : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<IAsyncDisposable> _unused = [];
    private ISourceConnector? _source;
    private ITargetWriter? _target;

    /// <summary>Innermost wrappers for a components factory that creates a connector per call: the first one created
    /// is kept and shared, later ones are left unused.</summary>
    public ComponentOverrides Overrides => new(WrapSource: created => new SourceView(Keep(ref _source, created)), WrapTarget: created => new TargetView(Keep(ref _target, created)));

    /// <summary>The components with their source and target created once and shared.</summary>
    public PipelineComponents Share(PipelineComponents components)
    {
        ArgumentNullException.ThrowIfNull(components);
        return components with
        {
            CreateSource = () => new SourceView(Once(ref _source, components.CreateSource)),
            CreateTarget = () => new TargetView(Once(ref _target, components.CreateTarget)),
        };
    }

    public async ValueTask DisposeAsync()
    {
        IAsyncDisposable?[] all;
        lock (_gate) all = [_source, _target, .. _unused];
        foreach (var disposable in all)
            if (disposable is not null) await disposable.DisposeAsync();
    }

    private T Keep<T>(ref T? shared, T created)
        where T : class, IAsyncDisposable
    {
        lock (_gate)
        {
            if (shared is null) return shared = created;
            if (!ReferenceEquals(shared, created)) _unused.Add(created);
            return shared;
        }
    }

    private T Once<T>(ref T? shared, Func<T> create)
        where T : class
    {
        lock (_gate) return shared ??= create();
    }

    private sealed class SourceView(ISourceConnector inner) : ISourceConnector
    {
        public bool ReleasesChanges => inner.ReleasesChanges;

        public Task<IReadOnlyList<TableSchema>> DiscoverAsync(IReadOnlyList<TableSelection> selection, CancellationToken cancellationToken) =>
            inner.DiscoverAsync(selection, cancellationToken);

        public Task<IReadOnlyDictionary<TableId, string>> PrepareAsync(IReadOnlyList<CaptureTable> tables, CancellationToken cancellationToken) =>
            inner.PrepareAsync(tables, cancellationToken);

        public Task<long?> EstimateRowCountAsync(TableSchema table, CancellationToken cancellationToken) => inner.EstimateRowCountAsync(table, cancellationToken);

        public Task<DateTimeOffset> CurrentTimeAsync(CancellationToken cancellationToken) => inner.CurrentTimeAsync(cancellationToken);

        public Task<string> BeginSnapshotAsync(TableSchema table, string? resumeFrom, CancellationToken cancellationToken) =>
            inner.BeginSnapshotAsync(table, resumeFrom, cancellationToken);

        public IAsyncEnumerable<object?[]> ReadSnapshotChunkAsync(TableSchema table, object?[]? afterKey, int maxRows, CancellationToken cancellationToken) =>
            inner.ReadSnapshotChunkAsync(table, afterKey, maxRows, cancellationToken);

        public Task EndSnapshotAsync(TableSchema table, CancellationToken cancellationToken) => inner.EndSnapshotAsync(table, cancellationToken);

        public Task<string?> CaptureChangesAsync(IReadOnlyList<CaptureTable> tables, IChangeSink sink, CancellationToken cancellationToken) =>
            inner.CaptureChangesAsync(tables, sink, cancellationToken);

        public Task AcknowledgeAsync(string position, CancellationToken cancellationToken) => inner.AcknowledgeAsync(position, cancellationToken);

        public Task<string?> GetResumePositionAsync(CancellationToken cancellationToken) => inner.GetResumePositionAsync(cancellationToken);

        public int ComparePositions(string left, string right) => inner.ComparePositions(left, right);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class TargetView(ITargetWriter inner) : ITargetWriter
    {
        public Task<AppliedState?> GetAppliedStateAsync(IngestFlow flow, CancellationToken cancellationToken) => inner.GetAppliedStateAsync(flow, cancellationToken);

        public Task<ApplyResult> LoadSnapshotAsync(IngestFlow flow, IAsyncEnumerable<CommitRecord> chunks, Func<CommitRecord, IAsyncEnumerable<ChangeRow>> readRows, CancellationToken cancellationToken) =>
            inner.LoadSnapshotAsync(flow, chunks, readRows, cancellationToken);

        public Task<ApplyResult> ApplyChangesAsync(IngestFlow flow, CommitRecord batch, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken) =>
            inner.ApplyChangesAsync(flow, batch, rows, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
