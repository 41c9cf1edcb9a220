using Cdc.Core.Model;

namespace Cdc.Core.Sources;

/// <summary>
/// What the gateway needs from a source database. The gateway step (Runs/GatewayStep) owns checkpoints, batching
/// and staging; a connector only reads. Positions are opaque strings ordered by <see cref="ComparePositions"/>.
/// </summary>
public interface ISourceConnector : IAsyncDisposable
{
    /// <summary>Resolves the pipeline's object selection to tables with their columns and keys. A table the source
    /// cannot capture (no key, unsupported type, capture disabled) fails with <see cref="SourceException"/> saying why
    /// and what would fix it.</summary>
    Task<IReadOnlyList<TableSchema>> DiscoverAsync(IReadOnlyList<TableSelection> selection, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <see cref="AcknowledgeAsync"/> releases changes for every table at once (a PostgreSQL replication slot).
    /// A table that was out of the pipeline while such a source was acknowledged has lost changes. Sources whose
    /// positions are per table and whose changes expire by retention (SQL Server) report false; a lost position shows
    /// as a retention gap from <see cref="PrepareAsync"/> instead.
    /// </summary>
    bool ReleasesChanges { get; }

    /// <summary>
    /// Creates what capture needs (publication, slot, ...) when it is missing, idempotently, and checks that every
    /// table's changes after its position are still available.
    /// </summary>
    /// <returns>The tables whose changes after <see cref="CaptureTable.After"/> are gone (a replication slot created
    /// anew, a position older than the change retention), each with the reason. Never silently skipped: the gateway
    /// snapshots them again or fails them, per the pipeline's <c>on_retention_gap</c>.</returns>
    Task<IReadOnlyDictionary<TableId, string>> PrepareAsync(IReadOnlyList<CaptureTable> tables, CancellationToken cancellationToken);

    /// <summary>
    /// The source's clock now, the clock its commit times are on. The gateway stamps each snapshot chunk's rows with it,
    /// read before the chunk, so a change committed after the chunk was read never looks older than the row it
    /// replaces (SCD type 2 drops changes older than the current version as replays), whatever the gateway's own
    /// clock says.
    /// </summary>
    Task<DateTimeOffset> CurrentTimeAsync(CancellationToken cancellationToken);

    /// <summary>The table's row count by the source's statistics, for progress percentages; null when unknown.</summary>
    Task<long?> EstimateRowCountAsync(TableSchema table, CancellationToken cancellationToken);

    /// <summary>Begins (or resumes) a snapshot of a table. Returns the position from which captured changes must be
    /// applied on top of the snapshot: every change committed after the snapshot's data was read is at or after it.</summary>
    /// <param name="resumeFrom">For a snapshot resumed after its last committed chunk, the start position its first
    /// chunk recorded (which stays the snapshot's start; the position returned then goes unused); null for a new one.</param>
    Task<string> BeginSnapshotAsync(TableSchema table, string? resumeFrom, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="maxRows"/> rows with key greater than <paramref name="afterKey"/> (all rows
    /// when null), in key order. Values are in <see cref="LogicalTypeClr"/> representation and aligned with
    /// <paramref name="table"/>'s columns.</summary>
    IAsyncEnumerable<object?[]> ReadSnapshotChunkAsync(TableSchema table, object?[]? afterKey, int maxRows, CancellationToken cancellationToken);

    /// <summary>Releases what a snapshot held (an exported snapshot transaction, say). Idempotent.</summary>
    Task EndSnapshotAsync(TableSchema table, CancellationToken cancellationToken);

    /// <summary>
    /// Reads changes of <paramref name="tables"/> committed after each table's <see cref="CaptureTable.After"/> and up
    /// to the source's current end at the time of the call, handing each committed transaction to
    /// <paramref name="sink"/> (in commit order per table; a source with per-table positions may hand over one table
    /// after another). A source with a source-wide position (a replication slot) reads from it and leaves skipping
    /// what a table already has to the sink. Returns the position reached (to pass to <see cref="AcknowledgeAsync"/>),
    /// or null when nothing was read.
    /// </summary>
    Task<string?> CaptureChangesAsync(IReadOnlyList<CaptureTable> tables, IChangeSink sink, CancellationToken cancellationToken);

    /// <summary>Tells the source that everything up to <paramref name="position"/> is staged, so it may release it
    /// (advance a replication slot). Called only after the batches are committed.</summary>
    Task AcknowledgeAsync(string position, CancellationToken cancellationToken);

    /// <summary>The position capture would resume from now (the slot's confirmed position, say); null before any.</summary>
    Task<string?> GetResumePositionAsync(CancellationToken cancellationToken);

    /// <summary>Orders two positions of this source: negative, zero or positive like <see cref="IComparer{T}"/>.</summary>
    int ComparePositions(string left, string right);
}

/// <summary>Receives captured changes. Rows of a transaction come before its commit; a schema can change between
/// rows (the new schema comes with the row).</summary>
public interface IChangeSink
{
    /// <summary>Announces a transaction before its rows, with the position its commit will have. Lets the gateway skip
    /// a transaction it already staged before a crash without buffering it. Sources that cannot know it skip the call.</summary>
    ValueTask BeginTransactionAsync(string commitPosition, CancellationToken cancellationToken);

    ValueTask ChangeAsync(TableSchema schema, ChangeRow row, CancellationToken cancellationToken);

    /// <summary>All rows of the transaction at <paramref name="position"/> (its commit position) have been handed over.</summary>
    ValueTask CommitAsync(string position, CancellationToken cancellationToken);

    /// <summary>
    /// Every change of <paramref name="table"/> up to <paramref name="position"/> has been handed over (there may have
    /// been none). Sources with per-table positions call it after each table's read, so an idle table's position
    /// keeps up with the source and does not fall behind its change retention. Called between transactions only.
    /// </summary>
    ValueTask AdvanceAsync(TableId table, string position, CancellationToken cancellationToken);
}

/// <summary>A table to capture and where its changes resume.</summary>
/// <param name="After">Every change of the table at or before this position is already covered (staged, or inside its
/// snapshot): its last staged change, else its snapshot's start position. Null for a table never snapshotted.</param>
public sealed record CaptureTable(TableSchema Schema, string? After);

/// <summary>One entry of the pipeline's object selection, resolved by the connector.</summary>
/// <param name="Schema">Schema name; with <paramref name="Table"/> null it selects the whole schema.</param>
/// <param name="KeyColumns">Declared key overriding the primary key (or standing in for a missing one).</param>
/// <param name="CaptureMode">SQL Server: how this entry's tables are captured; null takes the source's mode.</param>
public sealed record TableSelection(string Schema, string? Table, IReadOnlyList<string>? KeyColumns, IReadOnlyList<string> Exclude, Pipeline.CaptureMode? CaptureMode = null);

/// <summary>A source problem with a message meant for the user: what is wrong, where, and how to fix it.</summary>
public sealed class SourceException(string message, Exception? inner = null) : Exception(message, inner)
{
}
