using Cdc.Core.Model;
using Cdc.Core.Staging;
using Cdc.Core.Targets;

namespace Cdc.Core.Runs;

/// <summary>What a run reports while it works: progress for people, and the raw material of the event log and metering.</summary>
public abstract record RunEvent(string RunId, DateTimeOffset At);

public sealed record RunStarted(string RunId, DateTimeOffset At, string Pipeline, RunTrigger Trigger, IReadOnlyList<TableId> Tables) : RunEvent(RunId, At);

public sealed record SnapshotChunkStaged(string RunId, DateTimeOffset At, TableId Table, int Generation, long Sequence, long ChunkRows, long TotalRows, long Bytes, bool Final) : RunEvent(RunId, At);

public sealed record ChangesStaged(string RunId, DateTimeOffset At, TableId Table, long Sequence, long Rows, long Bytes, string? ToPosition) : RunEvent(RunId, At);

/// <summary>A table's schema changed at the source; the batch at <paramref name="Sequence"/> is the first with the new one.</summary>
public sealed record SchemaChanged(string RunId, DateTimeOffset At, TableId Table, long Sequence, IReadOnlyList<string> AddedColumns, IReadOnlyList<string> DroppedColumns, IReadOnlyList<string> ChangedColumns) : RunEvent(RunId, At);

/// <summary>The source could not continue from the saved position (changes may be gone); the table is snapshotted again.</summary>
public sealed record RetentionGap(string RunId, DateTimeOffset At, TableId Table, string Reason) : RunEvent(RunId, At);

public sealed record BatchApplied(string RunId, DateTimeOffset At, IngestFlow Flow, long Sequence, BatchKind Kind, ApplyResult Result) : RunEvent(RunId, At);

public sealed record TableFailed(string RunId, DateTimeOffset At, TableId Table, string Step, string Error) : RunEvent(RunId, At);

public sealed record RunFinished(string RunId, DateTimeOffset At, RunOutcome Outcome) : RunEvent(RunId, At);
