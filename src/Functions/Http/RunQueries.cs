using System.Globalization;
using Cdc.Core.Orchestration;
using Ingest.Functions.Orchestration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Ingest.Functions.Http;

/// <summary>
/// The management API's queries: one run's status, and a pipeline's recent runs. A run in flight is read from the
/// pipeline's orchestration instance; a finished run from the pipeline's run history in its staging area.
/// </summary>
public sealed class RunQueries(IPipelineCatalog catalog, RunLookup runs, ILogger<RunQueries> logger)
{
    private const int DefaultCount = 20;
    private const int MaxCount = 200;

    [Function("GetRun")]
    public async Task<IActionResult> GetRun(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "pipelines/{name}/runs/{runId}")] HttpRequest request, string name, string runId, [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        var cancellationToken = request.HttpContext.RequestAborted;
        var pipeline = await PipelineLookup.FindAsync(catalog, name, cancellationToken);
        if (pipeline.Value is null) return pipeline.Problem!.Logged(logger, request);
        if (!PipelineLookup.IsRunId(runId)) return ApiResults.BadRequest($"'{runId}' is not a run id.").Logged(logger, request);

        if (await runs.FinishedAsync(pipeline.Value, runId, cancellationToken) is { } finished) return new OkObjectResult(RunView.From(finished));

        // Not in the history (yet): the pipeline's orchestration instance knows about its latest run.
        var instance = await client.GetInstanceAsync(OrchestrationInstanceIds.ForPipeline(pipeline.Value.Name), getInputsAndOutputs: true, cancellationToken);
        if (instance is not null && RunStarter.RunIdOf(instance) == runId)
        {
            // A refused run ends its orchestration without entering the history; its summary says why.
            var summary = instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.ReadOutputAs<RunSummary>() : null;
            return new OkObjectResult(new
            {
                runId,
                pipeline = pipeline.Value.Name,
                status = instance.RuntimeStatus.ToString(),
                outcome = summary?.Outcome.ToString(),
                error = summary?.Error ?? instance.FailureDetails?.ErrorMessage,
                instanceId = instance.InstanceId,
                createdAt = instance.CreatedAt,
                lastUpdatedAt = instance.LastUpdatedAt,
            });
        }
        return ApiResults.NotFound($"Pipeline '{name}' has no run '{runId}': it is neither in flight nor in the run history.").Logged(logger, request);
    }

    [Function("ListRuns")]
    public async Task<IActionResult> ListRuns(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "pipelines/{name}/runs")] HttpRequest request, string name, [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        var cancellationToken = request.HttpContext.RequestAborted;
        var pipeline = await PipelineLookup.FindAsync(catalog, name, cancellationToken);
        if (pipeline.Value is null) return pipeline.Problem!.Logged(logger, request);

        var count = DefaultCount;
        var countText = request.Query["count"].ToString();
        if (countText.Length > 0 && (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxCount))
            return ApiResults.BadRequest($"count is '{countText}'; give a whole number from 1 to {MaxCount}.").Logged(logger, request);

        var holder = await RunStarter.HolderAsync(client, OrchestrationInstanceIds.ForPipeline(pipeline.Value.Name), cancellationToken);
        var recent = await runs.RecentAsync(pipeline.Value, count, cancellationToken);
        return new OkObjectResult(new
        {
            pipeline = pipeline.Value.Name,
            inFlight = holder is null ? null : HolderView.From(holder),
            runs = recent.Select(RunView.From).ToList(),
        });
    }
}
