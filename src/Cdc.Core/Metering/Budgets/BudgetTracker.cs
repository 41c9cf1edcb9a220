using System.Text.Json;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Metering;

/// <summary>A budget's spend in one of its periods.</summary>
public sealed record BudgetStatus(Budget Budget, BudgetWindow Window, decimal Spend)
{
    public decimal Percent => Budget.Amount == 0 ? (Spend > 0 ? 100 : 0) : Math.Round(Spend / Budget.Amount * 100, 2);

    public bool Spent => Spend >= Budget.Amount;
}

/// <summary>
/// Sums budget spend from the usage ledger, refuses runs over enforced budgets, and raises each threshold's alert
/// once per budget and period. Which thresholds fired is kept in the deployment store at
/// <c>budgets/&lt;name&gt;/&lt;period&gt;.json</c> and only changed with an ETag-guarded write: of two runs that find the
/// same threshold crossed, one records it and alerts; the other sees it recorded and stays quiet.
/// </summary>
public sealed class BudgetTracker(IStagingStore store, UsageLedger ledger, string currency, TimeProvider? time = null, ILogger? logger = null)
{
    public const string Folder = "budgets";
    private const int MaxAttempts = 8;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public static string StatePath(string budget, string periodKey) => $"{Folder}/{StagingPath.EscapeSegment(budget.ToLowerInvariant())}/{periodKey}.json";

    /// <summary>Each budget's spend so far in its period containing <paramref name="at"/>.</summary>
    public async Task<IReadOnlyList<BudgetStatus>> StatusAsync(IReadOnlyList<Budget> budgets, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(budgets);
        if (budgets.Count == 0) return [];
        var windows = budgets.Select(b => BudgetWindow.Of(b.Period, at)).ToList();
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var through = windows.Max(w => w.LastDay < today ? w.LastDay : today);
        var days = await ledger.ReadDaysAsync(windows.Min(w => w.FirstDay), through, cancellationToken);
        return [.. budgets.Select((budget, i) => new BudgetStatus(budget, windows[i],
            days.Where(d => windows[i].Contains(d.Day)).SelectMany(d => d.Records).Where(budget.Matches).Sum(r => r.Cost.Total)))];
    }

    /// <exception cref="BudgetExceededException">An enforced budget is spent for its current period.</exception>
    public async Task EnsureWithinBudgetAsync(string pipeline, IReadOnlyList<Budget> budgets, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(budgets);
        var enforced = budgets.Where(b => b.Enforce).ToList();
        foreach (var status in await StatusAsync(enforced, at, cancellationToken))
        {
            if (!status.Spent) continue;
            var refusal = new BudgetExceededException(status.Budget, status.Window, status.Spend, currency, pipeline);
            MeteringLog.RunRefused(_logger, refusal.Message);
            throw refusal;
        }
    }

    /// <summary>Alerts for thresholds the budgets' spend has crossed in the period containing <paramref name="at"/>
    /// (the run's start, whose ledger day its records are on) and that no run has alerted for yet. Call after the
    /// run's records are in the ledger.</summary>
    public async Task<IReadOnlyList<BudgetAlert>> EvaluateAsync(
        IReadOnlyList<Budget> budgets, string pipeline, string runId, IReadOnlyDictionary<string, string> tags, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var alerts = new List<BudgetAlert>();
        foreach (var status in await StatusAsync(budgets, at, cancellationToken))
        {
            var crossed = status.Budget.Thresholds.Where(t => status.Spend > 0 && status.Spend >= status.Budget.Amount * t / 100m).ToList();
            if (crossed.Count == 0) continue;
            foreach (var threshold in await RecordAsync(status, crossed, runId, _time.GetUtcNow(), cancellationToken))
            {
                var alert = new BudgetAlert
                {
                    Budget = status.Budget.Name,
                    Period = status.Budget.Period,
                    PeriodKey = status.Window.Key,
                    PeriodStart = status.Window.Start,
                    PeriodEnd = status.Window.End,
                    ThresholdPercent = threshold,
                    Amount = status.Budget.Amount,
                    Spend = status.Spend,
                    Currency = currency,
                    Enforced = status.Budget.Enforce,
                    Pipeline = pipeline,
                    RunId = runId,
                    At = _time.GetUtcNow(),
                    Filter = status.Budget.Filter,
                    Tags = tags,
                };
                MeteringLog.BudgetAlert(_logger, alert.Message, runId, pipeline);
                alerts.Add(alert);
            }
        }
        return alerts;
    }

    /// <summary>Marks the crossed thresholds fired; returns those this call marked (none that another run did).</summary>
    private async Task<IReadOnlyList<int>> RecordAsync(BudgetStatus status, IReadOnlyList<int> crossed, string runId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var path = StatePath(status.Budget.Name, status.Window.Key);
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var stored = await store.ReadAsync(path, cancellationToken);
            var state = stored is null ? new AlertState(status.Budget.Name, status.Window.Key, [], []) : Read(stored, path);
            var fresh = crossed.Except(state.Fired).ToList();
            if (fresh.Count == 0) return [];
            var next = state with
            {
                Fired = [.. state.Fired.Concat(fresh).Order()],
                Alerts = [.. state.Alerts, .. fresh.Select(t => new FiredAlert(t, status.Spend, runId, at))],
            };
            try
            {
                await store.WriteAsync(path, JsonSerializer.SerializeToUtf8Bytes(next, UsageJson.Options), WriteCondition.Replacing(stored?.ETag), cancellationToken);
                return fresh;
            }
            catch (StagingConflictException)
            {
                MeteringLog.AlertStateConflict(_logger, status.Budget.Name, status.Window.Key, runId);
            }
        }
        throw new InvalidOperationException($"The alert state of budget '{status.Budget.Name}' at '{path}' changed under every one of {MaxAttempts} attempts.");
    }

    private static AlertState Read(StoredObject stored, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<AlertState>(stored.Content.Span, UsageJson.Options) ?? throw new JsonException("The document is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Budget alert state '{path}' is not valid: {e.Message}. Delete it to let the period's alerts fire again.", e);
        }
    }

    private sealed record AlertState(string Budget, string PeriodKey, IReadOnlyList<int> Fired, IReadOnlyList<FiredAlert> Alerts);

    private sealed record FiredAlert(int ThresholdPercent, decimal Spend, string RunId, DateTimeOffset At);
}
