namespace Cdc.Core.Metering;

/// <summary>
/// Deployment-wide metering settings read from environment variables (Functions app settings), spelled the way
/// .NET configuration binds the <c>Ingest</c> section, so a host can bind the same names with
/// <c>IConfiguration</c>. docs/metering.md lists them.
/// </summary>
public static class MeteringEnvironment
{
    /// <summary>Prefix of default tags: <c>Ingest__DefaultTags__team=data-platform</c> tags every pipeline with team.</summary>
    public const string DefaultTagPrefix = "Ingest__DefaultTags__";

    /// <summary>Tag keys every pipeline must carry, separated by commas: <c>Ingest__RequiredTags=team,cost_center</c>.</summary>
    public const string RequiredTags = "Ingest__RequiredTags";

    /// <summary>Path of a price list file (JSON) whose SKUs replace the built-in prices.</summary>
    public const string PriceList = "Ingest__PriceList";

    /// <summary>Path of the deployment budgets file (YAML).</summary>
    public const string Budgets = "Ingest__Budgets";

    /// <summary>The Functions instance memory size in MB (Flex Consumption: 512, 2048 or 4096); 2048 by default.</summary>
    public const string InstanceMemoryMb = "Ingest__InstanceMemoryMB";

    /// <summary>Days staged files are expected to be kept, for the storage (GB-month) estimate; 30 by default.</summary>
    public const string StagedRetentionDays = "Ingest__StagedRetentionDays";
}
