using Cdc.Core.Orchestration;
using Cdc.Core.Runs;
using Ingest.Functions.Orchestration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Ingest.Functions.Triggers;

/// <summary>
/// Every minute: starts the run orchestration of each pipeline whose <c>schedule</c> has an occurrence in the minute
/// (<see cref="ScheduleDispatch"/>), under the pipeline's fixed instance id. A pipeline whose previous run is still in
/// flight is skipped, and the log names the run that holds it.
/// </summary>
public sealed class ScheduleTick(IPipelineCatalog catalog, RunStarter starter, TimeProvider time, ILogger<ScheduleTick> logger)
{
    public const string Name = nameof(ScheduleTick);

    [Function(Name)]
    public async Task Run([TimerTrigger("0 * * * * *")] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(timer);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(context);
        var cancellationToken = context.CancellationToken;
        var window = TickWindow.For(time.GetUtcNow(), LastTick(timer));
        IReadOnlyList<string> due;
        try
        {
            due = ScheduleDispatch.Due(await catalog.ListAsync(cancellationToken), window.From, window.To);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            FunctionsLog.TickCatalogFailed(logger, e);
            throw;
        }
        FunctionsLog.TickWindow(logger, window.From, window.To, due.Count == 0 ? "none" : string.Join(", ", due));

        foreach (var pipeline in due)
        {
            var runId = RunRequest.NewRunId();
            var input = new PipelineRunInput(pipeline, runId, RunTrigger.Schedule, [], null, null);
            try
            {
                await starter.StartAsync(client, new RunStart(OrchestratorNames.Pipeline, OrchestrationInstanceIds.ForPipeline(pipeline), pipeline, runId, RunTrigger.Schedule, input), cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One pipeline's failure to start must not keep the others from theirs.
                FunctionsLog.ScheduledStartFailed(logger, e, pipeline);
            }
        }
    }

    /// <summary>The timer records occurrences in the host's local time zone, which is UTC on Azure unless
    /// WEBSITE_TIME_ZONE says otherwise.</summary>
    private static DateTimeOffset? LastTick(TimerInfo timer) => timer.ScheduleStatus is { } status && status.Last != default
        ? status.Last.Kind == DateTimeKind.Unspecified
            ? new DateTimeOffset(DateTime.SpecifyKind(status.Last, DateTimeKind.Utc))
            : new DateTimeOffset(status.Last.ToUniversalTime())
        : null;
}
