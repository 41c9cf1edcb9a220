using System.Globalization;

namespace Cdc.Core.Metering;

/// <summary>How usage is measured and priced for a deployment. <see cref="FromEnvironment"/> reads the
/// <see cref="MeteringEnvironment"/> variables; hosts may build it from their own configuration instead.</summary>
public sealed record MeteringSettings
{
    public const int DefaultInstanceMemoryMb = 2048;
    public const double DefaultStagedRetentionDays = 30;

    /// <summary>Instance memory the Functions plan bills GB-seconds for (Flex Consumption: 512, 2048 or 4096 MB).</summary>
    public int InstanceMemoryMb { get; init; } = DefaultInstanceMemoryMb;

    /// <summary>Function executions one run costs where its activities are not executions of their own (the CLI: one).</summary>
    public int ExecutionsPerRun { get; init; } = 1;

    /// <summary>
    /// True under Durable Functions, where every activity is a billed execution and so is every orchestrator episode
    /// (one at the start and one after each completed activity): the run record then counts those instead of
    /// <see cref="ExecutionsPerRun"/>.
    /// </summary>
    public bool CountsDurableExecutions { get; init; }

    /// <summary>Days staged files stay in storage, for the GB-month estimate charged to the run that staged them.</summary>
    public double StagedRetentionDays { get; init; } = DefaultStagedRetentionDays;

    /// <summary>True where usage records and alerts go to Event Hubs (the Functions app): each is priced as an event.</summary>
    public bool PublishesEvents { get; init; }

    public TagPolicy Tags { get; init; } = TagPolicy.None;

    /// <summary>A price list file whose SKUs replace the built-in prices; null uses the built-in list.</summary>
    public string? PriceListPath { get; init; }

    /// <summary>The deployment budgets file; null when budgets come only from pipelines.</summary>
    public string? BudgetsPath { get; init; }

    public static MeteringSettings FromEnvironment() => FromVariables(TagPolicy.EnvironmentVariables());

    /// <exception cref="ArgumentException">A numeric variable is not a usable number; the message names it.</exception>
    public static MeteringSettings FromVariables(IEnumerable<KeyValuePair<string, string?>> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var list = variables.ToList();
        string? Get(string name) => list.LastOrDefault(v => v.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value is { } value
            && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var settings = new MeteringSettings
        {
            Tags = TagPolicy.FromVariables(list),
            PriceListPath = Get(MeteringEnvironment.PriceList),
            BudgetsPath = Get(MeteringEnvironment.Budgets),
        };
        if (Get(MeteringEnvironment.InstanceMemoryMb) is { } memory)
        {
            if (!int.TryParse(memory, NumberStyles.None, CultureInfo.InvariantCulture, out var mb) || mb is < 128 or > 65_536)
                throw new ArgumentException($"{MeteringEnvironment.InstanceMemoryMb} is '{memory}'; expected the instance memory in MB, e.g. 2048.");
            settings = settings with { InstanceMemoryMb = mb };
        }
        if (Get(MeteringEnvironment.StagedRetentionDays) is { } days)
        {
            if (!double.TryParse(days, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || double.IsInfinity(value))
                throw new ArgumentException($"{MeteringEnvironment.StagedRetentionDays} is '{days}'; expected a number of days, e.g. 30.");
            settings = settings with { StagedRetentionDays = value };
        }
        return settings;
    }
}
