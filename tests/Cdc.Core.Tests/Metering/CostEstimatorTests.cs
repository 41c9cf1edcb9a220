using Cdc.Core.Metering;

namespace Cdc.Core.Tests.Metering;

public sealed class CostEstimatorTests
{
    private static readonly DateTimeOffset June10 = new(2025, 6, 10, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_quantity_is_priced_per_its_unit_and_the_lines_add_up()
    {
        var record = MeteringTestKit.RunRecord("p", "r1", June10, gbSeconds: 100, writes: 20_000, executions: 1) with
        {
            StorageOperations = new StorageOperations(20_000, 5_000, 3, 7, 0, 0),
            BytesStaged = 1024L * 1024 * 1024 * 3,
        };
        var settings = new MeteringSettings { StagedRetentionDays = 15, PublishesEvents = true };

        var cost = CostEstimator.Estimate(record, settings, PriceList.Default);

        cost.Lines.Select(l => (l.Sku, l.Quantity, l.Amount)).Should().Equal(
            (Skus.FunctionsExecutionTime, 100m, 0.0026m),
            (Skus.FunctionsExecutions, 1m, 0.0000004m),
            (Skus.StorageWriteOperations, 20_000m, 0.1m),
            (Skus.StorageReadOperations, 5_000m, 0.002m),
            (Skus.StorageListOperations, 3m, 0.000015m),
            (Skus.StorageDataStored, 1.5m, 0.027m),
            (Skus.EventHubsIngressEvents, 1m, 0.000000028m));
        cost.Total.Should().Be(0.0026m + 0.0000004m + 0.1m + 0.002m + 0.000015m + 0.027m + 0.000000028m);
        cost.Currency.Should().Be("USD");
    }

    [Fact]
    public void A_sku_without_a_price_at_the_time_costs_nothing_and_says_so()
    {
        var prices = new PriceList("USD", [new PriceEntry(Skus.FunctionsExecutionTime, "GB-second", 1m, 1m, June10.AddDays(1))], "later prices");

        var cost = CostEstimator.Estimate(MeteringTestKit.RunRecord("p", "r1", June10, gbSeconds: 5, executions: 0), new MeteringSettings(), prices);

        cost.Lines.Should().ContainSingle().Which.Should().Be(new CostLine(Skus.FunctionsExecutionTime, 5m, "", null, 1m, 0m));
        cost.Total.Should().Be(0m);
    }

    [Fact]
    public async Task A_price_change_mid_period_prices_earlier_runs_at_the_old_price_and_later_runs_at_the_new()
    {
        var prices = PriceListReader.Parse("""
            { "currency": "USD", "prices": [
              { "sku": "functions.flex.on_demand.execution_time", "unit": "GB-second", "price": 0.00002, "effective_from": "2025-01-01" },
              { "sku": "functions.flex.on_demand.execution_time", "unit": "GB-second", "price": 0.00003, "effective_from": "2025-06-15" } ] }
            """, "prices.json");
        var folder = Directory.CreateTempSubdirectory("ingest-cost-").FullName;
        try
        {
            var time = new ManualTime(new DateTimeOffset(2025, 6, 20, 12, 0, 0, TimeSpan.Zero));
            var ledger = new UsageLedger(new Cdc.Core.Staging.Stores.LocalFolderStore(folder));
            var before = MeteringTestKit.RunRecord("p", "before", new DateTimeOffset(2025, 6, 14, 23, 0, 0, TimeSpan.Zero), gbSeconds: 1000, executions: 0, prices: prices);
            var after = MeteringTestKit.RunRecord("p", "after", new DateTimeOffset(2025, 6, 15, 1, 0, 0, TimeSpan.Zero), gbSeconds: 1000, executions: 0, prices: prices);
            await ledger.AppendAsync([before], CancellationToken.None);
            await ledger.AppendAsync([after], CancellationToken.None);
            var tracker = new BudgetTracker(ledger.Store, ledger, "USD", time);
            var budget = new Budget { Name = "p", Amount = 1m, Pipeline = "p" };

            var status = (await tracker.StatusAsync([budget], time.GetUtcNow(), CancellationToken.None)).Single();

            before.Cost.Total.Should().Be(0.02m);
            after.Cost.Total.Should().Be(0.03m);
            status.Spend.Should().Be(0.05m);
            status.Percent.Should().Be(5m);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
