using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.Sources;

namespace Cdc.Core.Metering;

/// <summary>
/// Counts calls to the source (round trips, as call counts), the rows and estimated bytes it returns, and the time
/// each table's gateway work keeps it busy. A change capture serves every table at once; its time is shared by the
/// rows each table received.
/// </summary>
internal sealed class MeteredSourceConnector(ISourceConnector inner, RunMeter meter) : ISourceConnector
{
    public Task<IReadOnlyList<TableSchema>> DiscoverAsync(IReadOnlyList<TableSelection> selection, CancellationToken cancellationToken)
    {
        meter.Run.SourceCall();
        return inner.DiscoverAsync(selection, cancellationToken);
    }

    // Synchronous on purpose: the step set here stays in effect for the gateway's flow that called it.
    public bool ReleasesChanges => inner.ReleasesChanges;

    public Task<IReadOnlyDictionary<TableId, string>> PrepareAsync(IReadOnlyList<CaptureTable> tables, CancellationToken cancellationToken)
    {
        MeteringScope.Enter(UsageStep.Gateway);
        meter.Run.SourceCall();
        return inner.PrepareAsync(tables, cancellationToken);
    }

    public async Task<string> BeginSnapshotAsync(TableSchema table, string? resumeFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var step = meter.For(table.Table, UsageStep.Gateway);
        step.SourceCall();
        var start = meter.Time.GetUtcNow();
        try
        {
            var position = await inner.BeginSnapshotAsync(table, resumeFrom, cancellationToken);
            if (!meter.RowEstimates.ContainsKey(table.Table))
            {
                // An estimate only feeds progress percentages; failing to get one must not fail the snapshot.
                try
                {
                    step.SourceCall();
                    if (await inner.EstimateRowCountAsync(table, cancellationToken) is { } rows) meter.RowEstimates[table.Table] = rows;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    meter.RowEstimates[table.Table] = -1;
                }
            }
            return position;
        }
        finally
        {
            step.Busy(start, meter.Time.GetUtcNow());
        }
    }

    public async IAsyncEnumerable<object?[]> ReadSnapshotChunkAsync(TableSchema table, object?[]? afterKey, int maxRows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var step = meter.For(table.Table, UsageStep.Gateway);
        step.SourceCall();
        var start = meter.Time.GetUtcNow();
        try
        {
            await foreach (var row in inner.ReadSnapshotChunkAsync(table, afterKey, maxRows, cancellationToken))
            {
                step.RowRead(ChangeKind.Insert, RowSize.Estimate(row));
                yield return row;
            }
        }
        finally
        {
            // Includes the time the gateway spends staging the rows between reads: all of it is this table's work.
            step.Busy(start, meter.Time.GetUtcNow());
        }
    }

    public async Task EndSnapshotAsync(TableSchema table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var step = meter.For(table.Table, UsageStep.Gateway);
        step.SourceCall();
        var start = meter.Time.GetUtcNow();
        try
        {
            await inner.EndSnapshotAsync(table, cancellationToken);
        }
        finally
        {
            step.Busy(start, meter.Time.GetUtcNow());
        }
    }

    public Task<long?> EstimateRowCountAsync(TableSchema table, CancellationToken cancellationToken) => inner.EstimateRowCountAsync(table, cancellationToken);

    public Task<DateTimeOffset> CurrentTimeAsync(CancellationToken cancellationToken)
    {
        meter.Run.SourceCall();
        return inner.CurrentTimeAsync(cancellationToken);
    }

    public async Task<string?> CaptureChangesAsync(IReadOnlyList<CaptureTable> tables, IChangeSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        meter.Run.SourceCall();
        var counting = new CountingSink(sink, meter);
        var start = meter.Time.GetUtcNow();
        try
        {
            return await inner.CaptureChangesAsync(tables, counting, cancellationToken);
        }
        finally
        {
            ShareCaptureTime(tables.Select(t => t.Schema).ToList(), counting, start, (meter.Time.GetUtcNow() - start).TotalSeconds);
        }
    }

    public Task AcknowledgeAsync(string position, CancellationToken cancellationToken)
    {
        meter.Run.SourceCall();
        return inner.AcknowledgeAsync(position, cancellationToken);
    }

    public Task<string?> GetResumePositionAsync(CancellationToken cancellationToken)
    {
        meter.Run.SourceCall();
        return inner.GetResumePositionAsync(cancellationToken);
    }

    public int ComparePositions(string left, string right) => inner.ComparePositions(left, right);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    /// <summary>Splits a capture's time by the rows each table received; evenly when none received any.</summary>
    private void ShareCaptureTime(IReadOnlyList<TableSchema> tables, CountingSink counting, DateTimeOffset start, double seconds)
    {
        if (tables.Count == 0) return;
        var rows = tables.ToDictionary(t => t.Table, t => counting.RowsOf(t.Table));
        var total = rows.Values.Sum();
        foreach (var table in tables)
        {
            var share = total == 0 ? 1.0 / tables.Count : (double)rows[table.Table] / total;
            meter.For(table.Table, UsageStep.Gateway).SharedBusy(seconds * share, start);
        }
    }

    private sealed class CountingSink(IChangeSink inner, RunMeter meter) : IChangeSink
    {
        private readonly Dictionary<TableId, long> _rows = [];
        private readonly Lock _gate = new();

        public long RowsOf(TableId table)
        {
            lock (_gate) return _rows.GetValueOrDefault(table);
        }

        public ValueTask BeginTransactionAsync(string commitPosition, CancellationToken cancellationToken) =>
            inner.BeginTransactionAsync(commitPosition, cancellationToken);

        public ValueTask ChangeAsync(TableSchema schema, ChangeRow row, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(schema);
            meter.For(schema.Table, UsageStep.Gateway).RowRead(row.Kind, RowSize.Estimate(row.Values));
            lock (_gate) _rows[schema.Table] = _rows.GetValueOrDefault(schema.Table) + 1;
            return inner.ChangeAsync(schema, row, cancellationToken);
        }

        public ValueTask CommitAsync(string position, CancellationToken cancellationToken) => inner.CommitAsync(position, cancellationToken);

        public ValueTask AdvanceAsync(TableId table, string position, CancellationToken cancellationToken) => inner.AdvanceAsync(table, position, cancellationToken);
    }
}
