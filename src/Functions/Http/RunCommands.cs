using System.Text.Json;
using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Ingest.Functions.Orchestration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Ingest.Functions.Http;

/// <summary>Body of <c>POST /api/pipelines/{name}/runs</c>; optional.</summary>
internal sealed record StartRunBody(IReadOnlyList<string>? FullRefresh);

/// <summary>
/// The management API's commands: start a run, fully refresh one table, repair a run's failed tables. Each starts
/// the pipeline's run orchestration under its fixed instance id, so it answers 409 naming the run in flight rather
/// than start a second one. Function keys guard them (AuthorizationLevel.Function).
/// </summary>
public sealed class RunCommands(IPipelineCatalog catalog, RunStarter starter, RunLookup runs, ILogger<RunCommands> logger)
{
    [Function("StartRun")]
    public async Task<IActionResult> StartRun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "pipelines/{name}/runs")] HttpRequest request, string name, [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        var pipeline = await PipelineLookup.FindAsync(catalog, name, cancellationToken);
        if (pipeline.Value is null) return Refused(request, pipeline.Problem!);

        StartRunBody? body;
        try
        {
            body = await ReadBodyAsync(request, cancellationToken);
        }
        catch (JsonException e)
        {
            return Refused(request, ApiResults.BadRequest($"The body is not JSON of the form {{\"fullRefresh\": [\"schema.table\"]}}: {e.Message}"));
        }
        var fullRefresh = new List<string>();
        foreach (var text in body?.FullRefresh ?? [])
        {
            var table = PipelineLookup.Table(pipeline.Value, text ?? "");
            if (table.Value is null) return Refused(request, table.Problem!);
            fullRefresh.Add(table.Value);
        }
        return await StartAsync(request, client, pipeline.Value, RunTrigger.Manual, fullRefresh, null, null, cancellationToken);
    }

    [Function("RefreshTable")]
    public async Task<IActionResult> RefreshTable(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "pipelines/{name}/tables/{table}/refresh")] HttpRequest request, string name, string table, [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        var pipeline = await PipelineLookup.FindAsync(catalog, name, cancellationToken);
        if (pipeline.Value is null) return Refused(request, pipeline.Problem!);
        var refreshed = PipelineLookup.Table(pipeline.Value, table);
        if (refreshed.Value is null) return Refused(request, refreshed.Problem!);
        return await StartAsync(request, client, pipeline.Value, RunTrigger.Manual, [refreshed.Value], null, null, cancellationToken);
    }

    [Function("RepairRun")]
    public async Task<IActionResult> RepairRun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "pipelines/{name}/runs/{runId}/repair")] HttpRequest request, string name, string runId, [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cancellationToken = request.HttpContext.RequestAborted;
        var pipeline = await PipelineLookup.FindAsync(catalog, name, cancellationToken);
        if (pipeline.Value is null) return Refused(request, pipeline.Problem!);
        if (!PipelineLookup.IsRunId(runId)) return Refused(request, ApiResults.BadRequest($"'{runId}' is not a run id."));

        var run = await runs.FinishedAsync(pipeline.Value, runId, cancellationToken);
        if (run is null)
            return Refused(request, ApiResults.NotFound($"Pipeline '{name}' has no finished run '{runId}' in its run history; GET /api/pipelines/{name}/runs lists them."));
        if (!run.FailedTables.Any())
            return Refused(request, ApiResults.Conflict($"Run {runId} of pipeline '{name}' ended {run.Outcome} with no failed table: there is nothing to repair."));
        // The plan reads the failed tables from the run history itself and applies only those.
        return await StartAsync(request, client, pipeline.Value, RunTrigger.Repair, [], null, runId, cancellationToken);
    }

    private async Task<IActionResult> StartAsync(HttpRequest request, DurableTaskClient client, PipelineDefinition pipeline, RunTrigger trigger,
        IReadOnlyList<string> fullRefresh, IReadOnlyList<string>? onlyTables, string? repairOf, CancellationToken cancellationToken)
    {
        var runId = RunRequest.NewRunId();
        var input = new PipelineRunInput(pipeline.Name, runId, trigger, fullRefresh, onlyTables, repairOf);
        var instanceId = OrchestrationInstanceIds.ForPipeline(pipeline.Name);
        var holder = await starter.StartAsync(client, new RunStart(OrchestratorNames.Pipeline, instanceId, pipeline.Name, runId, trigger, input), cancellationToken);
        if (holder is not null) return Refused(request, ApiResults.Busy(pipeline.Name, holder));
        return ApiResults.Accepted($"/api/pipelines/{pipeline.Name}/runs/{runId}", new
        {
            runId,
            pipeline = pipeline.Name,
            instanceId,
            trigger = trigger.ToString(),
            fullRefresh,
            onlyTables,
            repairOf,
        });
    }

    private static async Task<StartRunBody?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        return string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize<StartRunBody>(text, JsonSerializerOptions.Web);
    }

    private ObjectResult Refused(HttpRequest request, ObjectResult result) => result.Logged(logger, request);
}
