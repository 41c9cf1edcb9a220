using Cdc.Core.Metering;
using Cdc.Core.Staging.Stores;

namespace Cdc.Core.Tests.Metering;

public sealed class BudgetTrackerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-budgets-").FullName;
    private readonly ManualTime _time = new(new DateTimeOffset(2025, 6, 10, 12, 0, 0, TimeSpan.Zero));
    private readonly UsageLedger _ledger;
    private readonly BudgetTracker _tracker;
    private int _runs;

    public BudgetTrackerTests()
    {
        _ledger = new UsageLedger(new LocalFolderStore(_folder));
        _tracker = new BudgetTracker(_ledger.Store, _ledger, "USD", _time);
    }

    private static Budget TeamBudget(decimal amount = 10m, bool enforce = false, BudgetPeriod period = BudgetPeriod.Month) => new()
    {
        Name = "team-monthly",
        Amount = amount,
        Period = period,
        Enforce = enforce,
        Filter = new Dictionary<string, string> { ["Team"] = "data-platform" },
        DeclaredIn = "budgets.yaml",
    };

    private async Task<string> SpendAsync(decimal cost, IReadOnlyDictionary<string, string>? tags = null, string pipeline = "orders")
    {
        var runId = $"run-{++_runs}";
        await _ledger.AppendAsync([MeteringTestKit.CostingRecord(pipeline, runId, _time.GetUtcNow(), cost, tags)], CancellationToken.None);
        return runId;
    }

    private Task<IReadOnlyList<BudgetAlert>> EvaluateAsync(Budget budget, string runId) =>
        _tracker.EvaluateAsync([budget], "orders", runId, MeteringTestKit.TeamTags, _time.GetUtcNow(), CancellationToken.None);

    [Fact]
    public async Task Each_threshold_alerts_exactly_once_per_period()
    {
        var budget = TeamBudget();

        var first = await EvaluateAsync(budget, await SpendAsync(4m));
        var second = await EvaluateAsync(budget, await SpendAsync(2m));
        var third = await EvaluateAsync(budget, await SpendAsync(0.5m));
        var fourth = await EvaluateAsync(budget, await SpendAsync(5m));
        var again = await EvaluateAsync(budget, await SpendAsync(1m));
        _time.Now = _time.Now.AddMonths(1);
        var nextMonth = await EvaluateAsync(budget, await SpendAsync(6m));

        first.Should().BeEmpty();
        second.Should().ContainSingle().Which.Should().BeEquivalentTo(new { ThresholdPercent = 50, Spend = 6m, PeriodKey = "2025-06", RunId = "run-2" });
        third.Should().BeEmpty();
        fourth.Select(a => a.ThresholdPercent).Should().Equal(80, 100);
        fourth.Should().OnlyContain(a => a.Spend == 11.5m);
        again.Should().BeEmpty();
        nextMonth.Should().ContainSingle().Which.Should().BeEquivalentTo(new { ThresholdPercent = 50, PeriodKey = "2025-07" });
        second[0].Message.Should().Be("Budget 'team-monthly' reached 50% in month 2025-06: 6.00 of 10.00 USD spent");
        UsageJson.Serialize(second[0]).Should().Contain("\"record_type\":\"budget_alert\"").And.Contain("\"tags\":{\"team\":\"data-platform\"}");
    }

    [Fact]
    public async Task Records_outside_the_filter_or_the_period_do_not_count()
    {
        await SpendAsync(3m, new Dictionary<string, string> { ["team"] = "other" });
        _time.Now = _time.Now.AddMonths(-1);
        await SpendAsync(50m);
        _time.Now = _time.Now.AddMonths(1);
        await SpendAsync(1m, new Dictionary<string, string> { ["TEAM"] = "data-platform", ["env"] = "prod" });

        var status = (await _tracker.StatusAsync([TeamBudget()], _time.GetUtcNow(), CancellationToken.None)).Single();

        status.Spend.Should().Be(1m);
        status.Window.Key.Should().Be("2025-06");
    }

    [Fact]
    public async Task Concurrent_evaluations_of_one_crossing_raise_one_alert()
    {
        var budget = TeamBudget();
        var runId = await SpendAsync(6m);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => EvaluateAsync(budget, runId))));

        results.SelectMany(r => r).Should().ContainSingle().Which.ThresholdPercent.Should().Be(50);
    }

    [Fact]
    public async Task An_enforced_budget_refuses_runs_once_spent_naming_budget_spend_and_limit_until_the_period_ends()
    {
        var budget = TeamBudget(amount: 5m, enforce: true, period: BudgetPeriod.Day);
        await SpendAsync(4.99m);
        await _tracker.EnsureWithinBudgetAsync("orders", [budget], _time.GetUtcNow(), CancellationToken.None);
        await SpendAsync(0.01m);

        var refused = () => _tracker.EnsureWithinBudgetAsync("orders", [budget], _time.GetUtcNow(), CancellationToken.None);

        var exception = (await refused.Should().ThrowAsync<BudgetExceededException>()).Which;
        exception.Message.Should().Be(
            "Run of pipeline 'orders' refused: budget 'team-monthly' (budgets.yaml) is spent for day 2025-06-10: 5.00 of 5.00 USD. " +
            "Runs resume when the next period starts (2025-06-11), or raise the amount, or set enforce: false.");
        await _tracker.EnsureWithinBudgetAsync("orders", [budget with { Enforce = false }], _time.GetUtcNow(), CancellationToken.None);
        _time.Now = _time.Now.AddDays(1);
        await _tracker.EnsureWithinBudgetAsync("orders", [budget], _time.GetUtcNow(), CancellationToken.None);
    }

    [Fact]
    public void Periods_are_utc_days_and_months()
    {
        var at = new DateTimeOffset(2025, 2, 28, 23, 30, 0, TimeSpan.FromHours(-2));

        BudgetWindow.Of(BudgetPeriod.Day, at).Should().Be(new BudgetWindow(new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), new(2025, 3, 2, 0, 0, 0, TimeSpan.Zero), "2025-03-01"));
        var month = BudgetWindow.Of(BudgetPeriod.Month, at);
        month.Key.Should().Be("2025-03");
        month.LastDay.Should().Be(new DateOnly(2025, 3, 31));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
