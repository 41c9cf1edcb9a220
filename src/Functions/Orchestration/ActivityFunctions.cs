using Cdc.Core.Orchestration;
using Ingest.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Orchestration;

/// <summary>
/// The activities, one function each under the names the orchestration calls (<see cref="ActivityNames"/>). Each
/// passes its input to <see cref="PipelineActivities"/>, which loads the pipeline by name and does the work, so any
/// instance of the app can run any step.
/// </summary>
public sealed class ActivityFunctions(PipelineActivities activities, IOptions<IngestOptions> options)
{
    [Function(ActivityNames.Plan)]
    public Task<RunPlan> PlanRun([ActivityTrigger] PipelineRunInput input, FunctionContext context) =>
        activities.PlanAsync(input, Token(context));

    [Function(ActivityNames.Snapshot)]
    public Task<TableStepResult> SnapshotTable([ActivityTrigger] TableStepInput input, FunctionContext context) =>
        activities.SnapshotTableAsync(input, Token(context));

    [Function(ActivityNames.Capture)]
    public Task<CaptureStepResult> CaptureChanges([ActivityTrigger] CaptureStepInput input, FunctionContext context) =>
        activities.CaptureChangesAsync(input, Token(context));

    [Function(ActivityNames.Ingest)]
    public Task<TableStepResult> IngestTable([ActivityTrigger] TableStepInput input, FunctionContext context) =>
        activities.IngestTableAsync(input, Token(context));

    /// <summary>Records the run (history, lease, usage, budgets). Its usage events ride in the summary to the Event
    /// Hubs output; with <c>Ingest__PublishUsageEvents=false</c> they are left out here, so the orchestration, which
    /// must replay the same way, never needs the setting.</summary>
    [Function(ActivityNames.Finish)]
    public async Task<RunSummary> FinishRun([ActivityTrigger] FinishRunInput input, FunctionContext context)
    {
        var summary = await activities.FinishRunAsync(input, Token(context));
        return options.Value.PublishUsageEvents ? summary : summary with { UsageEvents = [] };
    }

    [Function(ActivityNames.Notify)]
    public Task NotifyRun([ActivityTrigger] RunSummary summary, FunctionContext context) =>
        activities.NotifyAsync(summary, Token(context));

    private static CancellationToken Token(FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.CancellationToken;
    }
}
