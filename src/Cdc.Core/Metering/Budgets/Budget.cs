using Cdc.Core.Pipeline;

namespace Cdc.Core.Metering;

public enum BudgetPeriod
{
    Day,
    Month,
}

/// <summary>
/// A named budget: the spend of matching usage records per <see cref="Period"/> (UTC) against <see cref="Amount"/>.
/// A record matches when it carries every <see cref="Filter"/> tag (keys ignoring case, values exactly) and, for a
/// budget a pipeline declared without a filter, belongs to that pipeline.
/// </summary>
public sealed record Budget
{
    public static IReadOnlyList<int> DefaultThresholds { get; } = [50, 80, 100];

    public required string Name { get; init; }

    public required decimal Amount { get; init; }

    public BudgetPeriod Period { get; init; } = BudgetPeriod.Month;

    /// <summary>Percentages of <see cref="Amount"/>, ascending; each raises one alert per period.</summary>
    public IReadOnlyList<int> Thresholds { get; init; } = DefaultThresholds;

    public bool Enforce { get; init; }

    public IReadOnlyDictionary<string, string> Filter { get; init; } = new Dictionary<string, string>();

    /// <summary>Set for a pipeline's own budget without a filter: only that pipeline's records count.</summary>
    public string? Pipeline { get; init; }

    /// <summary>Where it was declared, for messages: a pipeline file or the budgets file.</summary>
    public string DeclaredIn { get; init; } = "";

    public bool Matches(string pipeline, IReadOnlyDictionary<string, string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (Pipeline is not null && !string.Equals(Pipeline, pipeline, StringComparison.Ordinal)) return false;
        foreach (var (key, value) in Filter)
            if (!tags.Any(t => t.Key.Equals(key, StringComparison.OrdinalIgnoreCase) && string.Equals(t.Value, value, StringComparison.Ordinal))) return false;
        return true;
    }

    public bool Matches(UsageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Matches(record.Pipeline, record.Tags);
    }

    /// <param name="pipeline">The declaring pipeline, or null for a deployment budget.</param>
    public static Budget FromDefinition(BudgetDefinition definition, string? pipeline, string declaredIn)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var name = definition.Name ?? pipeline ?? throw new ArgumentException($"{declaredIn}: a deployment budget needs a name.", nameof(definition));
        var amount = definition.Amount ?? throw new ArgumentException($"{declaredIn}: budget '{name}' has no amount.", nameof(definition));
        return new Budget
        {
            Name = name,
            Amount = amount,
            Period = string.Equals(definition.Period, "day", StringComparison.OrdinalIgnoreCase) ? BudgetPeriod.Day : BudgetPeriod.Month,
            Thresholds = definition.Thresholds is { Count: > 0 } thresholds ? thresholds : DefaultThresholds,
            Enforce = definition.Enforce,
            Filter = definition.Filter ?? new Dictionary<string, string>(),
            Pipeline = definition.Filter is null ? pipeline : null,
            DeclaredIn = declaredIn,
        };
    }

    public override string ToString() => $"budget '{Name}' ({DeclaredIn})";
}
