namespace Cdc.Core.Orchestration;

/// <summary>How a step started by <see cref="WatchLoop"/> ended, for its log line.</summary>
/// <param name="FailedTables">Tables that failed, as <c>schema.table</c>; empty when none did.</param>
/// <param name="Error">Why the run failed as a whole, or why it was refused (another run holds the pipeline's lease,
/// an enforced budget is spent).</param>
public sealed record WatchStepResult(string RunId, RunSummaryOutcome Outcome, IReadOnlyList<string> FailedTables, string? Error = null)
{
    public static WatchStepResult From(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new WatchStepResult(summary.RunId, summary.Outcome, summary.FailedTables, summary.Error);
    }
}
