using Cdc.Core.Metering;
using Cdc.Core.Model;
using Cdc.Core.Runs;
using Cdc.Core.State;

namespace Cdc.Core.Orchestration;

public sealed partial class PipelineActivities
{
    /// <summary>
    /// The PlanRun activity: refuses the run when an enforced budget is spent, takes the pipeline's lease for the run,
    /// discovers the tables, settles which to apply (a repair: the failed tables of the run it repairs), prepares the
    /// source (a retention gap is settled here) and finds which tables need a snapshot.
    /// </summary>
    /// <exception cref="BudgetExceededException">An enforced budget the pipeline counts against is spent.</exception>
    /// <exception cref="PipelineBusyException">Another run holds the pipeline's lease.</exception>
    public async Task<RunPlan> PlanAsync(PipelineRunInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        var scope = await OpenAsync(input.Pipeline, input.RunId, "0-plan", ct);
        var (plan, usage) = await RunAsync(scope, () => PlanAsync(scope, input, ct));
        return plan with { Usage = usage };
    }

    private async Task<RunPlan> PlanAsync(ActivityScope scope, PipelineRunInput input, CancellationToken ct)
    {
        MeteringScope.Enter(UsageStep.Gateway);
        var pipeline = scope.Pipeline;
        var started = _time.GetUtcNow();
        if (scope.Metering is { } metering) await metering.Budgets.EnsureWithinBudgetAsync(pipeline.Name, scope.Budgets, started, ct);
        var leaseSeconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds);
        // The lease outlives this activity: the run's last activity releases it.
        await scope.Components.Lease.AcquireAsync(pipeline.Name, input.RunId, TimeSpan.FromSeconds(leaseSeconds), ct);

        RunPlan Plan(IReadOnlyList<TableSchema> tables, IReadOnlyList<TableId> snapshot, bool capture, IReadOnlyList<TableId> ingest, IReadOnlyDictionary<TableId, string> failed, string? error) => new(
            pipeline.Name, input.RunId, input.Trigger, started, pipeline.Run.Parallelism, leaseSeconds,
            [.. tables.Select(t => TableText.Format(t.Table))],
            [.. snapshot.Select(TableText.Format)],
            capture,
            [.. ingest.Select(TableText.Format)],
            [.. failed.OrderBy(f => f.Key).Select(f => new TableError(TableText.Format(f.Key), f.Value))],
            error,
            null);
        RunPlan Refuse(string error) => Plan([], [], false, [], new Dictionary<TableId, string>(), error);

        await using var source = scope.Components.CreateSource();
        var tables = await DiscoverAsync(source, pipeline, ct);
        var captured = tables.Select(t => t.Table).ToHashSet();

        if (ParseTables(input.FullRefresh, "full refresh", out var fullRefresh) is { } badRefresh) return Refuse(badRefresh);
        var notCaptured = fullRefresh.Where(t => !captured.Contains(t)).ToList();
        if (notCaptured.Count > 0) return Refuse($"Full refresh asked for {string.Join(", ", notCaptured)}, which the pipeline does not capture.");

        HashSet<TableId>? only = null;
        if (input.OnlyTables is { } onlyTables)
        {
            if (ParseTables(onlyTables, "only tables", out var listed) is { } badOnly) return Refuse(badOnly);
            only = [.. listed];
        }
        if (input.RepairOf is { } repaired)
        {
            var failedBefore = (await scope.Components.History.GetAsync(repaired, ct))?.FailedTables.ToList();
            if (failedBefore is null) return Refuse($"Run {repaired} is not in the run history of pipeline '{pipeline.Name}', so there is nothing to repair.");
            if (failedBefore.Count == 0) return Refuse($"Run {repaired} of pipeline '{pipeline.Name}' has no failed tables, so there is nothing to repair.");
            only = [.. only ?? [], .. failedBefore];
        }
        if (only?.Where(t => !captured.Contains(t)).ToList() is { Count: > 0 } unknown)
            return Refuse($"The run asked to apply {string.Join(", ", unknown)}, which the pipeline does not capture.");

        RunLog.RunStarted(_logger, input.RunId, pipeline.Name, input.Trigger, tables.Count);
        scope.Events.Report(new RunStarted(input.RunId, started, pipeline.Name, input.Trigger, [.. tables.Select(t => t.Table)]));

        IReadOnlyDictionary<TableId, string> failed;
        var prepared = true;
        try
        {
            failed = await Gateway(scope, source).PrepareAsync(input.RunId, tables, fullRefresh, scope.Events, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Nothing can be read this run; what is already staged is still applied.
            RunLog.GatewayFailed(_logger, ex, input.RunId, ex.Message);
            failed = tables.ToDictionary(t => t.Table, _ => $"gateway: {ex.Message}");
            prepared = false;
        }
        var snapshot = prepared ? await NeedingSnapshotAsync(scope, tables.Where(t => !failed.ContainsKey(t.Table)), ct) : [];
        var ingest = tables.Select(t => t.Table).Where(t => only is null || only.Contains(t)).ToList();
        return Plan(tables, snapshot, prepared, ingest, failed, null);
    }

    /// <summary>
    /// The tables with a snapshot to take, restart or finish (as the gateway step decides it: never snapshotted, a
    /// full refresh asked for, or an incomplete snapshot). Preparing the source brought every table's saved state up to
    /// its commit records, so the state read here is current.
    /// </summary>
    private static async Task<IReadOnlyList<TableId>> NeedingSnapshotAsync(ActivityScope scope, IEnumerable<TableSchema> tables, CancellationToken ct)
    {
        var needing = new List<TableId>();
        foreach (var table in tables)
        {
            var state = (await scope.Components.States.ReadTableAsync(table.Table, ct))?.Value;
            if (GatewayStep.NeedsSnapshot(state)) needing.Add(table.Table);
        }
        return needing;
    }

    /// <returns>Null, or what is wrong with an entry.</returns>
    private static string? ParseTables(IReadOnlyList<string>? texts, string what, out HashSet<TableId> tables)
    {
        tables = [];
        foreach (var text in texts ?? [])
        {
            try
            {
                tables.Add(TableText.Parse(text));
            }
            catch (FormatException ex)
            {
                return $"The run's {what} lists '{text}': {ex.Message}";
            }
        }
        return null;
    }
}
