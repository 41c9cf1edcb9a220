using Cdc.Core.Metering;

namespace Cdc.Core.Orchestration;

/// <summary>Input of the SnapshotTable and IngestTable activities.</summary>
/// <param name="LeaseSeconds">The duration the run's lease is renewed for; 0 when the run holds none (a table ingest on
/// blob arrival, which the target's per-table locking keeps apart from other appliers).</param>
public sealed record TableStepInput(string Pipeline, string RunId, string Table, int LeaseSeconds);

/// <summary>One table's part of a step: what the gateway staged, or what each of its flows applied.</summary>
/// <param name="Error">Why the step failed for the table; set by the orchestration when the activity failed on every attempt.</param>
public sealed record TableStepResult(
    string Table,
    long RowsStaged,
    long BatchesStaged,
    long BytesStaged,
    IReadOnlyList<FlowStepResult> Flows,
    string? Error,
    ActivityUsage? Usage)
{
    public static TableStepResult Failed(string table, string error) => new(table, 0, 0, 0, [], error, null);
}

/// <summary>What one flow (a source table into one target table) applied.</summary>
public sealed record FlowStepResult(
    string TargetSchema,
    string TargetTable,
    int ScdType,
    bool SoftDeletes,
    long BatchesApplied,
    long RowsRead,
    long Inserted,
    long Updated,
    long Deleted,
    long AppliedSequence,
    string? Error);

/// <summary>Input of the CaptureChanges activity: the run's tables (all of them, since they share one change stream).</summary>
public sealed record CaptureStepInput(string Pipeline, string RunId, IReadOnlyList<string> Tables, int LeaseSeconds);

/// <summary>What change capture staged per table.</summary>
/// <param name="Error">Why capture failed for every table; set by the orchestration when the activity failed on every attempt.</param>
public sealed record CaptureStepResult(IReadOnlyList<TableStepResult> Tables, string? Error, ActivityUsage? Usage)
{
    public static CaptureStepResult Failed(string error) => new([], error, null);
}
