using System.Runtime.ExceptionServices;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Cdc.Core.State;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Metering;

/// <summary>
/// Runs a pipeline through <see cref="PipelineRunner"/> and meters it. Before the run, an enforced budget that is
/// spent refuses it (<see cref="BudgetExceededException"/>). During the run, the staging store, staging area, source
/// and target are wrapped to count requests, rows, bytes and busy time per table and step. After it (also when it
/// failed with an exception), it builds the usage records, appends them to the ledger, raises budget alerts, writes
/// the run's event log, records metrics and publishes to the sinks. Metering problems are logged and never fail a run.
/// </summary>
public sealed class MeteredPipelineRunner
{
    private readonly Func<ComponentOverrides, PipelineComponents> _components;
    private readonly MeteringContext _metering;
    private readonly ILoggerFactory _loggers;
    private readonly RunnerSettings? _settings;
    private readonly ComponentOverrides _overrides;

    /// <param name="components">Builds the run's components with the given overrides applied (as
    /// <see cref="PipelineComponentsFactory.Create"/> does); called once per run, since the meters are per run.</param>
    /// <param name="overrides">Seams of the caller (fault injection, time, part sizes); metering wraps outside them.</param>
    public MeteredPipelineRunner(
        Func<ComponentOverrides, PipelineComponents> components,
        MeteringContext metering,
        ILoggerFactory loggers,
        RunnerSettings? settings = null,
        ComponentOverrides? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(metering);
        ArgumentNullException.ThrowIfNull(loggers);
        _components = components;
        _metering = metering;
        _loggers = loggers;
        _settings = settings;
        _overrides = overrides ?? new ComponentOverrides();
    }

    /// <summary>A runner over the components <see cref="PipelineComponentsFactory"/> builds for the pipeline.</summary>
    public static MeteredPipelineRunner ForPipeline(PipelineDefinition pipeline, MeteringContext metering, ILoggerFactory loggers,
        ComponentOverrides? overrides = null, RunnerSettings? settings = null) =>
        new(o => PipelineComponentsFactory.Create(pipeline, loggers, o), metering, loggers, settings, overrides);

    /// <exception cref="BudgetExceededException">An enforced budget the pipeline counts against is spent.</exception>
    /// <exception cref="PipelineBusyException">Another run holds the pipeline's lease.</exception>
    public async Task<MeteredRunResult> RunAsync(PipelineDefinition pipeline, RunRequest request, IProgress<RunEvent>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(request);
        var time = _overrides.Time ?? _metering.Time;
        var tags = _metering.Settings.Tags.Merge(pipeline.Tags);
        var budgets = BudgetCatalog.For(pipeline, tags, _metering.DeploymentBudgets, _metering.Logger);
        await _metering.Budgets.EnsureWithinBudgetAsync(pipeline.Name, budgets, time.GetUtcNow(), cancellationToken);

        var meter = new RunMeter(time);
        IStagingStore? pipelineStore = null;
        var overrides = _overrides with
        {
            WrapStore = store =>
            {
                pipelineStore ??= store;
                return new MeteredStagingStore(_overrides.WrapStore?.Invoke(store) ?? store, meter);
            },
            WrapSource = source => new MeteredSourceConnector(_overrides.WrapSource?.Invoke(source) ?? source, meter),
            WrapTarget = target => new MeteredTargetWriter(_overrides.WrapTarget?.Invoke(target) ?? target, meter),
            Time = time,
        };
        var components = _components(overrides);
        components = components with { Staging = new MeteredStagingArea(components.Staging, meter) };
        var recorder = new RunEventRecorder(progress);
        var runner = new PipelineRunner(components, time, _loggers, _settings);

        var started = time.GetUtcNow();
        var clock = ComputeClock.Start(time);
        RunResult? result = null;
        Exception? failure = null;
        try
        {
            result = await runner.RunAsync(pipeline, request, recorder, cancellationToken);
        }
        catch (PipelineBusyException)
        {
            throw;
        }
        catch (Exception e)
        {
            // The run still spent what it spent: record it, then let the exception continue.
            failure = e;
        }
        var (wall, cpu) = clock.Stop();

        var facts = result is not null
            ? Facts(result, wall, cpu)
            : new RunFacts(pipeline.Name, request.RunId, request.Trigger, started, time.GetUtcNow(),
                failure is OperationCanceledException ? "cancelled" : "error", wall, cpu, new HashSet<(TableId, UsageStep)>());
        var usage = new RunUsage(UsageRecordBuilder.Build(meter, facts, tags, _metering.Settings, _metering.Prices));
        var operations = usage.StorageOperations.Total;
        var cost = Math.Round(usage.Cost, 6);
        MeteringLog.UsageRecorded(_metering.Logger, request.RunId, pipeline.Name, usage.ComputeSeconds, usage.MemoryGbSeconds, operations, cost, usage.Currency);

        var alerts = await RecordAsync(pipeline, request.RunId, facts.Start, tags, budgets, usage, recorder, meter, pipelineStore ?? components.Staging.Store);
        if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
        return new MeteredRunResult(result!, usage, alerts);
    }

    private async Task<IReadOnlyList<BudgetAlert>> RecordAsync(
        PipelineDefinition pipeline, string runId, DateTimeOffset runStart, IReadOnlyDictionary<string, string> tags, IReadOnlyList<Budget> budgets,
        RunUsage usage, RunEventRecorder recorder, RunMeter meter, IStagingStore pipelineStore)
    {
        var logger = _metering.Logger;
        var appended = false;
        try
        {
            await _metering.Ledger.AppendAsync(usage.Records, CancellationToken.None);
            appended = true;
        }
        catch (Exception e)
        {
            MeteringLog.LedgerWriteFailed(logger, e, runId, _metering.Ledger.Store.Description);
        }

        IReadOnlyList<BudgetAlert> alerts = [];
        if (appended && budgets.Count > 0)
        {
            try
            {
                alerts = await _metering.Budgets.EvaluateAsync(budgets, pipeline.Name, runId, tags, runStart, CancellationToken.None);
            }
            catch (Exception e)
            {
                MeteringLog.BudgetEvaluationFailed(logger, e, runId);
            }
        }
        foreach (var alert in alerts) recorder.Report(new BudgetAlertRaised(runId, alert.At, alert));

        try
        {
            await new RunEventLog(pipelineStore).WriteAsync(runId, pipeline.Name, tags, recorder.Events, meter.RowEstimates, CancellationToken.None);
        }
        catch (Exception e)
        {
            MeteringLog.EventLogWriteFailed(logger, e, runId);
        }

        _metering.Metrics.Record(usage.Records, alerts);
        foreach (var sink in _metering.Sinks)
        {
            try
            {
                await sink.PublishAsync(usage.Records, alerts, CancellationToken.None);
            }
            catch (Exception e)
            {
                MeteringLog.SinkFailed(logger, e, sink.GetType().Name, runId);
            }
        }
        return alerts;
    }

    private static RunFacts Facts(RunResult result, double wall, double cpu)
    {
        var failed = new HashSet<(TableId, UsageStep)>();
        foreach (var table in result.Tables)
        {
            if (table.Error is not null) failed.Add((table.Table, UsageStep.Gateway));
            if (table.Flows.Any(f => f.Error is not null)) failed.Add((table.Table, UsageStep.Ingest));
        }
        var outcome = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(result.Outcome.ToString());
        return new RunFacts(result.Pipeline, result.RunId, result.Trigger, result.StartedAt, result.FinishedAt, outcome, wall, cpu, failed);
    }
}
