namespace Cdc.Core.Metering;

/// <summary>Prices a usage record's quantities with the entries in effect at its start.</summary>
public static class CostEstimator
{
    private const decimal BytesPerGb = 1024m * 1024m * 1024m;
    private const decimal DaysPerMonth = 30m;

    /// <summary>The billable quantities of a record, per SKU (zero quantities left out).</summary>
    public static IReadOnlyList<(string Sku, decimal Quantity)> Quantities(UsageRecord record, MeteringSettings settings)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(settings);
        var storedGbMonths = record.BytesStaged / BytesPerGb * (decimal)settings.StagedRetentionDays / DaysPerMonth;
        var events = settings.PublishesEvents ? 1m : 0m;
        (string, decimal)[] all =
        [
            (Skus.FunctionsExecutionTime, (decimal)record.MemoryGbSeconds),
            (Skus.FunctionsExecutions, record.Executions),
            (Skus.StorageWriteOperations, record.StorageOperations.Writes),
            (Skus.StorageReadOperations, record.StorageOperations.Reads),
            (Skus.StorageListOperations, record.StorageOperations.Lists),
            (Skus.StorageDataStored, storedGbMonths),
            (Skus.EventHubsIngressEvents, events),
        ];
        return all.Where(q => q.Item2 != 0m).ToList();
    }

    public static CostEstimate Estimate(UsageRecord record, MeteringSettings settings, PriceList prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        var lines = new List<CostLine>();
        foreach (var (sku, exact) in Quantities(record, settings))
        {
            var quantity = Math.Round(exact, 9);
            var price = prices.Find(sku, record.Start);
            var amount = price is null ? 0m : Math.Round(price.Cost(quantity), 12);
            lines.Add(new CostLine(sku, quantity, price?.Unit ?? "", price?.Price, price?.Per ?? 1m, amount));
        }
        return new CostEstimate(prices.Currency, lines.Sum(l => l.Amount), lines);
    }
}
