using Cdc.Core.Runs;

namespace Cdc.Core.Orchestration;

/// <summary>Everything the FinishRun activity records: the plan and what each step did or why it failed.</summary>
/// <param name="RequestedAt">When the orchestration started: the run's start when no plan was made.</param>
/// <param name="Tables">The run's tables (the plan's, or the one table of a table ingest).</param>
/// <param name="Plan">Null when planning failed or the run had none (a table ingest).</param>
/// <param name="Error">Why the run failed as a whole (planning failed).</param>
/// <param name="ReleaseLease">Whether the run may hold the pipeline's lease (a pipeline run), which is then released.</param>
/// <param name="Abandoned">Set when the run stopped on an exception (<c>cancelled</c> or <c>error</c>): what it
/// spent is still metered and its lease released, but it enters no run history.</param>
public sealed record FinishRunInput(
    string Pipeline,
    string RunId,
    RunTrigger Trigger,
    DateTimeOffset RequestedAt,
    IReadOnlyList<string> Tables,
    RunPlan? Plan,
    string? Error,
    IReadOnlyList<TableStepResult> Snapshots,
    CaptureStepResult? Capture,
    IReadOnlyList<TableStepResult> Ingests,
    bool ReleaseLease,
    string? Abandoned = null);
