using Cdc.Core.Runs;

namespace Cdc.Core.Orchestration;

public enum RunSummaryOutcome
{
    Succeeded,

    /// <summary>Some tables failed (<see cref="RunSummary.FailedTables"/>); the others were processed.</summary>
    PartiallyFailed,

    Failed,

    /// <summary>The run did not start: another run holds the pipeline's lease, or an enforced budget is spent
    /// (<see cref="RunSummary.Error"/> says which). Nothing was done or recorded.</summary>
    Refused,
}

/// <summary>How a run ended: the orchestrations' output and what NotifyRun reports.</summary>
/// <param name="FailedTables">Failed tables as <c>schema.table</c> (<see cref="TableText"/>).</param>
/// <param name="Run">The run as its run history records it; null when it was refused.</param>
/// <param name="UsageEvents">The run's usage records, then the budget alerts it raised, each one JSON document
/// (<see cref="Metering.UsageJson"/>): one Event Hubs event each. Empty when the run is not metered.</param>
public sealed record RunSummary(
    string Pipeline,
    string RunId,
    RunTrigger Trigger,
    RunSummaryOutcome Outcome,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    IReadOnlyList<string> FailedTables,
    string? Error,
    RunResult? Run,
    IReadOnlyList<string> UsageEvents)
{
    public static RunSummary Refused(string pipeline, string runId, RunTrigger trigger, DateTimeOffset at, string reason) =>
        new(pipeline, runId, trigger, RunSummaryOutcome.Refused, at, at, [], reason, null, []);
}
