using System.Collections.Concurrent;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.State;
using Cdc.Core.Targets;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Runs;

/// <summary>
/// One run of a pipeline, independent of the host (CLI or Functions): take the pipeline's lease, discover tables, run
/// the gateway step, then the ingest step per flow with bounded parallelism, and record the run. A table's failure is
/// isolated: the others go on and the run ends as partially failed, naming it.
/// </summary>
public sealed class PipelineRunner(PipelineComponents components, TimeProvider time, ILoggerFactory loggers, RunnerSettings? settings = null)
{
    private readonly RunnerSettings _settings = settings ?? new RunnerSettings();
    private readonly ILogger _logger = loggers.CreateLogger<PipelineRunner>();

    /// <exception cref="PipelineBusyException">Another run holds the pipeline's lease.</exception>
    public async Task<RunResult> RunAsync(PipelineDefinition pipeline, RunRequest request, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetUtcNow();
        await using var lease = await components.Lease.AcquireAsync(pipeline.Name, request.RunId, _settings.LeaseDuration, cancellationToken);
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = RenewAsync(lease, leaseLost);
        RunResult result;
        try
        {
            result = await RunLeasedAsync(pipeline, request, started, progress, leaseLost.Token);
        }
        finally
        {
            await leaseLost.CancelAsync();
            await renewal;
        }
        await components.History.SaveAsync(result, CancellationToken.None);
        RunLog.RunFinished(_logger, result.RunId, result.Outcome, (result.FinishedAt - result.StartedAt).TotalSeconds);
        progress?.Report(new RunFinished(result.RunId, result.FinishedAt, result.Outcome));
        return result;
    }

    private async Task<RunResult> RunLeasedAsync(PipelineDefinition pipeline, RunRequest request, DateTimeOffset started, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        await using var source = components.CreateSource();
        await using var target = components.CreateTarget();
        IReadOnlyList<TableSchema> tables;
        try
        {
            tables = Distinct(await source.DiscoverAsync(FlowPlanner.Selections(pipeline), cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new RunResult(request.RunId, pipeline.Name, request.Trigger, started, time.GetUtcNow(), RunOutcome.Failed, [], $"Discovery failed: {ex.Message}");
        }
        var unknown = request.FullRefresh.Where(t => tables.All(d => d.Table != t)).ToList();
        if (unknown.Count > 0)
            return new RunResult(request.RunId, pipeline.Name, request.Trigger, started, time.GetUtcNow(), RunOutcome.Failed, [],
                $"Full refresh asked for {string.Join(", ", unknown)}, which the pipeline does not capture.");

        RunLog.RunStarted(_logger, request.RunId, pipeline.Name, request.Trigger, tables.Count);
        progress?.Report(new RunStarted(request.RunId, started, pipeline.Name, request.Trigger, tables.Select(t => t.Table).ToList()));

        // The ingest step runs beside the gateway: snapshots stream into their shadow tables while the source is read;
        // change batches are applied once the gateway has finished.
        var signals = new GatewaySignals();
        var gateway = new GatewayStep(source, components.Staging, components.States, GatewaySettings.From(pipeline), time, loggers.CreateLogger<GatewayStep>());
        var gatewayRun = RunGatewayAsync(gateway, request, tables, signals, progress, cancellationToken);

        var ingest = new IngestStep(target, components.Staging, time, loggers.CreateLogger<IngestStep>());
        // A repair applies only its tables, but the gateway still captures all of them: one change stream serves every
        // table, and releasing it for some would lose the others' changes.
        var flows = FlowPlanner.Flows(pipeline, request.OnlyTables is { } only ? tables.Where(t => only.Contains(t.Table)) : tables);
        var applied = new ConcurrentBag<FlowRunResult>();
        var ingestRun = Parallel.ForEachAsync(flows, new ParallelOptions { MaxDegreeOfParallelism = pipeline.Run.Parallelism, CancellationToken = cancellationToken }, async (flow, ct) =>
        {
            try
            {
                applied.Add(await ingest.ApplyAsync(request.RunId, flow, progress, ct, signals));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                RunLog.TableFailed(_logger, ex, "ingest", flow.Source, ex.Message);
                progress?.Report(new TableFailed(request.RunId, time.GetUtcNow(), flow.Source, $"ingest into {flow.TargetSchema}.{flow.TargetTable}", ex.Message));
                applied.Add(new FlowRunResult(flow, 0, ApplyResult.Empty, -1, $"ingest into {flow.TargetSchema}.{flow.TargetTable}: {ex.Message}"));
            }
        });
        // Both halves finish before the run ends: the lease, the target and the source stay theirs until then.
        IReadOnlyDictionary<TableId, GatewayTableResult> staged;
        try
        {
            staged = await gatewayRun;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            RunLog.GatewayFailed(_logger, ex, request.RunId, ex.Message);
            staged = tables.ToDictionary(t => t.Table, _ => GatewayTableResult.Empty with { Error = $"gateway: {ex.Message}" });
        }
        finally
        {
            await ingestRun;
        }

        var tableResults = tables.Select(t =>
        {
            var gatewayResult = staged[t.Table];
            var flowResults = applied.Where(f => f.Flow.Source == t.Table).OrderBy(f => f.Flow.TargetTable, StringComparer.Ordinal).ToList();
            return new TableRunResult(t.Table, gatewayResult.RowsStaged, gatewayResult.BatchesStaged, gatewayResult.BytesStaged, flowResults, gatewayResult.Error);
        }).ToList();
        var failed = tableResults.Count(t => t.Failed);
        var outcome = failed == 0 ? RunOutcome.Succeeded : failed == tableResults.Count ? RunOutcome.Failed : RunOutcome.PartiallyFailed;
        return new RunResult(request.RunId, pipeline.Name, request.Trigger, started, time.GetUtcNow(), outcome, tableResults, null);
    }

    private static async Task<IReadOnlyDictionary<TableId, GatewayTableResult>> RunGatewayAsync(
        GatewayStep gateway, RunRequest request, IReadOnlyList<TableSchema> tables, GatewaySignals signals, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        try
        {
            return await gateway.RunAsync(request.RunId, tables, request.FullRefresh, progress, cancellationToken);
        }
        finally
        {
            signals.Finish();
        }
    }

    private static List<TableSchema> Distinct(IReadOnlyList<TableSchema> tables) =>
        tables.GroupBy(t => t.Table).Select(g => g.First()).OrderBy(t => t.Table).ToList();

    private async Task RenewAsync(ILeaseHandle lease, CancellationTokenSource run)
    {
        using var timer = new PeriodicTimer(_settings.LeaseDuration / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(run.Token)) await lease.RenewAsync(run.Token);
        }
        catch (OperationCanceledException)
        {
            // The run finished.
        }
        catch (LeaseLostException)
        {
            await run.CancelAsync();
        }
    }
}

public sealed record RunnerSettings
{
    public const int MinimumLeaseSeconds = 3;
    public const int MaximumLeaseSeconds = 3600;

    /// <summary>How long a lease lasts without renewal; a killed run blocks the next one at most this long.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(60);
}
