using System.Globalization;

namespace Cdc.Core.Metering;

/// <summary>
/// A budget's spend crossed one of its thresholds in a period; raised once per budget, threshold and period across
/// all runs. Serialized by <see cref="UsageJson"/> (snake_case) for the ledger's readers and Event Hubs.
/// </summary>
public sealed record BudgetAlert
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>Always "budget_alert".</summary>
    public string RecordType => "budget_alert";

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string Budget { get; init; }

    public required BudgetPeriod Period { get; init; }

    public required string PeriodKey { get; init; }

    public required DateTimeOffset PeriodStart { get; init; }

    public required DateTimeOffset PeriodEnd { get; init; }

    public required int ThresholdPercent { get; init; }

    public required decimal Amount { get; init; }

    /// <summary>Spend of matching records in the period when the threshold was found crossed.</summary>
    public required decimal Spend { get; init; }

    public required string Currency { get; init; }

    /// <summary>Whether the budget refuses new runs once spent.</summary>
    public required bool Enforced { get; init; }

    /// <summary>The pipeline whose run pushed the spend over the threshold.</summary>
    public required string Pipeline { get; init; }

    public required string RunId { get; init; }

    public required DateTimeOffset At { get; init; }

    public required IReadOnlyDictionary<string, string> Filter { get; init; }

    /// <summary>The tags of the run that crossed the threshold.</summary>
    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    public string Message => string.Format(
        CultureInfo.InvariantCulture,
        "Budget '{0}' reached {1}% in {2} {3}: {4:0.00####} of {5:0.00####} {6} spent{7}",
        Budget, ThresholdPercent, Period.ToString().ToLowerInvariant(), PeriodKey, Spend, Amount, Currency,
        Enforced && Spend >= Amount ? "; new runs of matching pipelines are refused until the period ends" : "");
}
