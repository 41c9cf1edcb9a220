using Azure.Messaging.EventGrid;
using Cdc.Core.Orchestration;
using Cdc.Core.Runs;
using Ingest.Functions.Hosting;
using Ingest.Functions.Orchestration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Triggers;

/// <summary>
/// A commit record was written to the staging container (Event Grid BlobCreated, filtered to <c>/commits/</c> by the
/// deployment's subscription): ingest that table now, as a small run of trigger BlobArrival, under the table's fixed
/// instance id. Everything that is not a commit record of a known pipeline is ignored. When the table's previous
/// ingest is still in flight, nothing is started: that ingest, the next commit, or the pipeline's schedule applies
/// the batch.
/// </summary>
public sealed class BlobArrivalFunction(IPipelineCatalog catalog, IOptions<IngestOptions> options, RunStarter starter, ILogger<BlobArrivalFunction> logger)
{
    /// <summary>The deployment's Event Grid subscription delivers to this name (infra parameter blobArrivalFunctionName).</summary>
    public const string Name = "BlobArrival";

    private const string BlobCreated = "Microsoft.Storage.BlobCreated";

    [Function(Name)]
    public async Task Run([EventGridTrigger] EventGridEvent blobEvent, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(blobEvent);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(context);
        var container = options.Value.StagingContainer ?? "";
        var subject = blobEvent.Subject ?? "";
        var arrival = blobEvent.EventType == BlobCreated
            ? BlobArrivalDispatch.Match(subject, container, await catalog.ListAsync(context.CancellationToken))
            : null;
        if (arrival is null)
        {
            FunctionsLog.BlobIgnored(logger, blobEvent.EventType ?? "", subject, container);
            return;
        }

        FunctionsLog.BlobArrived(logger, arrival.Pipeline, arrival.Table, arrival.Sequence);
        var runId = RunRequest.NewRunId();
        var start = new RunStart(
            OrchestratorNames.TableIngest,
            OrchestrationInstanceIds.ForTableIngest(arrival.Pipeline, arrival.Table),
            arrival.Pipeline,
            runId,
            RunTrigger.BlobArrival,
            new TableIngestInput(arrival.Pipeline, runId, arrival.Table));
        await starter.StartAsync(client, start, context.CancellationToken);
    }
}
