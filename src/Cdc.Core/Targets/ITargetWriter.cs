using Cdc.Core.Model;
using Cdc.Core.Staging;

namespace Cdc.Core.Targets;

/// <summary>
/// Applies staged batches to one target database. Every method that changes data records the applied batch in the
/// same transaction as the data, which is what makes apply exactly-once: a crash rolls both back together.
/// </summary>
public interface ITargetWriter : IAsyncDisposable
{
    /// <summary>What was last applied to the flow's target table, or null if nothing was.</summary>
    Task<AppliedState?> GetAppliedStateAsync(IngestFlow flow, CancellationToken cancellationToken);

    /// <summary>
    /// Loads a whole snapshot (every chunk of one generation in sequence order, ending with the final one) into a new
    /// table and swaps it in atomically, so readers see the old table or the complete new one, never a partial one.
    /// Chunks may arrive while the gateway is still reading the source; if the sequence ends or fails before the final
    /// chunk, nothing is changed.
    /// </summary>
    Task<ApplyResult> LoadSnapshotAsync(IngestFlow flow, IAsyncEnumerable<CommitRecord> chunks, Func<CommitRecord, IAsyncEnumerable<ChangeRow>> readRows, CancellationToken cancellationToken);

    /// <summary>Applies one change batch set-wise. Evolves the target schema first when the batch's schema added
    /// columns or widened types; throws <see cref="SchemaEvolutionException"/> for a breaking change.</summary>
    Task<ApplyResult> ApplyChangesAsync(IngestFlow flow, CommitRecord batch, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken);
}

/// <summary>One source table flowing into one target table.</summary>
/// <param name="Pipeline">Pipeline name; applied state is kept per pipeline and target table.</param>
/// <param name="ScdType">1: the target mirrors the source. 2: history rows with <c>__START_AT</c>/<c>__END_AT</c>.</param>
/// <param name="SoftDeletes">SCD 1 only: mark deleted rows with <c>__DELETED_AT</c> instead of removing them.</param>
public sealed record IngestFlow(string Pipeline, TableId Source, string TargetSchema, string TargetTable, int ScdType, bool SoftDeletes)
{
    public override string ToString() => $"{Source} -> {TargetSchema}.{TargetTable}";
}

/// <param name="Sequence">The last applied batch sequence.</param>
public sealed record AppliedState(long Sequence, int SnapshotGeneration, string? SchemaFingerprint, DateTimeOffset AppliedAt);

/// <summary>Counts of what an apply did, for progress and metering.</summary>
public sealed record ApplyResult(long RowsRead, long Inserted, long Updated, long Deleted)
{
    public static ApplyResult Empty { get; } = new(0, 0, 0, 0);

    public ApplyResult Add(ApplyResult other) => new(RowsRead + other.RowsRead, Inserted + other.Inserted, Updated + other.Updated, Deleted + other.Deleted);
}

/// <summary>A source schema change the target cannot follow without a full refresh; the table's data is left untouched.</summary>
public sealed class SchemaEvolutionException(IngestFlow flow, string change)
    : Exception($"{flow}: {change}. The target table was left untouched; run a full refresh of {flow.Source} to rebuild it.")
{
    public IngestFlow Flow { get; } = flow;
    public string Change { get; } = change;
}
