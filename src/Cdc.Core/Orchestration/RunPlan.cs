using Cdc.Core.Metering;
using Cdc.Core.Runs;

namespace Cdc.Core.Orchestration;

/// <summary>
/// What the PlanRun activity settled for a run: it holds the pipeline's lease (for <see cref="LeaseSeconds"/>, renewed
/// by every later activity), the pipeline's tables are discovered and the source is prepared.
/// </summary>
/// <param name="Tables">Every table of the run, in order.</param>
/// <param name="SnapshotTables">The tables with a snapshot to take or finish this run.</param>
/// <param name="CaptureChanges">False when preparing the source failed: nothing can be read this run.</param>
/// <param name="IngestTables">The tables whose staged batches are applied (a repair: only its tables).</param>
/// <param name="Failed">Tables that failed already (a retention gap the pipeline fails on, a source that could not be
/// prepared), with why; they are not read.</param>
/// <param name="Error">Why the run cannot go on at all (a full refresh of a table the pipeline does not capture);
/// nothing is read or applied.</param>
/// <param name="Usage">What planning used; null when the run is not metered.</param>
public sealed record RunPlan(
    string Pipeline,
    string RunId,
    RunTrigger Trigger,
    DateTimeOffset StartedAt,
    int Parallelism,
    int LeaseSeconds,
    IReadOnlyList<string> Tables,
    IReadOnlyList<string> SnapshotTables,
    bool CaptureChanges,
    IReadOnlyList<string> IngestTables,
    IReadOnlyList<TableError> Failed,
    string? Error,
    ActivityUsage? Usage);

/// <summary>A table that failed, and why.</summary>
public sealed record TableError(string Table, string Error);
