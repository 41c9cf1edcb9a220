using Cdc.Core.Runs;

namespace Cdc.Core.Metering;

/// <summary>A run's usage records (the run's own first, then per table and step) and their totals.</summary>
public sealed record RunUsage(IReadOnlyList<UsageRecord> Records)
{
    public string Currency => Records.Count == 0 ? "" : Records[0].Cost.Currency;

    public decimal Cost => Records.Sum(r => r.Cost.Total);

    public double ComputeSeconds => Records.Sum(r => r.ComputeSeconds);

    public double MemoryGbSeconds => Records.Sum(r => r.MemoryGbSeconds);

    public RowCounts RowsStaged => Records.Aggregate(RowCounts.Zero, (sum, r) => sum.Add(r.RowsStaged));

    public RowCounts RowsApplied => Records.Aggregate(RowCounts.Zero, (sum, r) => sum.Add(r.RowsApplied));

    public long BytesStaged => Records.Sum(r => r.BytesStaged);

    public StorageOperations StorageOperations => Records.Aggregate(StorageOperations.Zero, (sum, r) => sum.Add(r.StorageOperations));
}

/// <summary>A run's result with what it used and the budget alerts it raised.</summary>
public sealed record MeteredRunResult(RunResult Run, RunUsage Usage, IReadOnlyList<BudgetAlert> Alerts);
