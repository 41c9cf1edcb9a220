using System.Globalization;

namespace Cdc.Core.Metering;

/// <summary>A run was refused because an enforced budget it counts against is spent for the current period.</summary>
public sealed class BudgetExceededException(Budget budget, BudgetWindow window, decimal spend, string currency, string pipeline)
    : Exception(Describe(budget, window, spend, currency, pipeline))
{
    public Budget Budget { get; } = budget;
    public BudgetWindow Window { get; } = window;
    public decimal Spend { get; } = spend;

    private static string Describe(Budget budget, BudgetWindow window, decimal spend, string currency, string pipeline) => string.Format(
        CultureInfo.InvariantCulture,
        "Run of pipeline '{0}' refused: {1} is spent for {2} {3}: {4:0.00####} of {5:0.00####} {6}. Runs resume when the next period starts ({7:yyyy-MM-dd}), or raise the amount, or set enforce: false.",
        pipeline, budget, budget.Period.ToString().ToLowerInvariant(), window.Key, spend, budget.Amount, currency, window.End);
}
