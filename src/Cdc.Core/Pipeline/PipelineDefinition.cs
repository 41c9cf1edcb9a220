namespace Cdc.Core.Pipeline;

/// <summary>
/// A pipeline file (YAML) after loading and validation: where data comes from, which objects, where it is staged,
/// where it lands, when it runs and whose budget it spends. docs/configuration.md describes every field.
/// </summary>
public sealed record PipelineDefinition
{
    public required string Name { get; init; }
    public required SourceDefinition Source { get; init; }
    public required IReadOnlyList<ObjectDefinition> Objects { get; init; }
    public required StagingDefinition Staging { get; init; }
    public required DestinationDefinition Destination { get; init; }

    /// <summary>A cron expression (5 or 6 fields) or an interval such as <c>15m</c>; null runs only on request.</summary>
    public string? Schedule { get; init; }

    /// <summary>Budget tags carried by every usage record, event and metric of the pipeline.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public BudgetDefinition? Budget { get; init; }

    public RunSettings Run { get; init; } = new();

    /// <summary>The file it was loaded from, for messages; null when built in code.</summary>
    public string? SourceFile { get; init; }
}

public enum SourceKind
{
    Postgres,
    SqlServer,
}

public enum DestinationKind
{
    Postgres,
    SqlServer,
}

/// <summary>How a SQL Server source captures changes; PostgreSQL always uses logical replication.</summary>
public enum CaptureMode
{
    Auto,
    ChangeTracking,
    Cdc,
}

/// <summary>What the gateway does when a table's changes are no longer available from its saved position (a dropped
/// replication slot, a position older than the source's change retention).</summary>
public enum RetentionGapPolicy
{
    /// <summary>Report the gap and snapshot the table again.</summary>
    Resnapshot,

    /// <summary>Report the gap and fail the table until a full refresh of it is asked for.</summary>
    Fail,
}

/// <summary>How a SQL Server connection authenticates.</summary>
public enum SqlServerAuthentication
{
    /// <summary>What the connection string says (SQL authentication: User ID and Password).</summary>
    ConnectionString,

    /// <summary>An Azure AD access token from Azure.Identity (managed identity in Azure).</summary>
    AzureAd,
}

public sealed record SourceDefinition
{
    public required SourceKind Kind { get; init; }

    /// <summary>Connection string after <c>${env:VAR}</c> substitution. Never logged.</summary>
    public required string Connection { get; init; }

    /// <summary>SQL Server: how tables are captured unless an object says otherwise.</summary>
    public CaptureMode CaptureMode { get; init; } = CaptureMode.Auto;

    public RetentionGapPolicy OnRetentionGap { get; init; } = RetentionGapPolicy.Resnapshot;

    /// <summary>SQL Server: how the gateway's connection authenticates.</summary>
    public SqlServerAuthentication Authentication { get; init; } = SqlServerAuthentication.ConnectionString;

    /// <summary>SQL Server with <see cref="SqlServerAuthentication.AzureAd"/>: the client id of a user-assigned managed
    /// identity; null uses DefaultAzureCredential's choice.</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>SQL Server CDC: when a table's columns no longer match its capture instance, create a new capture
    /// instance, switch to it at its start LSN, and drop the old one once it is read to the end.</summary>
    public bool ManageCaptureInstances { get; init; }

    /// <summary>PostgreSQL: replication slot name; defaults to <c>ingest_&lt;pipeline&gt;</c> made identifier-safe.</summary>
    public string? Slot { get; init; }

    /// <summary>PostgreSQL: publication name; defaults to the slot name.</summary>
    public string? Publication { get; init; }
}

/// <summary>One entry of <c>objects</c>: a whole schema (<see cref="Table"/> null) or one table.</summary>
public sealed record ObjectDefinition
{
    public required string Schema { get; init; }
    public string? Table { get; init; }

    /// <summary>Table names left out of a whole-schema entry.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Columns identifying a row, overriding (or standing in for) the primary key.</summary>
    public IReadOnlyList<string>? Keys { get; init; }

    /// <summary>1 or 2; null takes the destination's default.</summary>
    public int? ScdType { get; init; }

    /// <summary>Target table name; defaults to the source table name. Lets one source table feed two targets.</summary>
    public string? DestinationTable { get; init; }

    public bool? SoftDeletes { get; init; }

    /// <summary>SQL Server: how this entry's tables are captured; null takes the source's <c>capture_mode</c>.</summary>
    public CaptureMode? CaptureMode { get; init; }
}

public sealed record StagingDefinition
{
    /// <summary>A local folder, <c>UseDevelopmentStorage=true</c>, a storage connection string, or a container URL
    /// (<c>https://account.blob.core.windows.net/container</c>, Azure AD via DefaultAzureCredential).</summary>
    public required string Location { get; init; }

    /// <summary>Blob container for connection-string locations.</summary>
    public string Container { get; init; } = "ingest-staging";

    /// <summary>Path prefix inside the folder or container; defaults to the pipeline name.</summary>
    public string? Prefix { get; init; }
}

public sealed record DestinationDefinition
{
    public required DestinationKind Kind { get; init; }
    public required string Connection { get; init; }

    /// <summary>Schema the target tables are created in.</summary>
    public string Schema { get; init; } = "ingest";

    public int ScdType { get; init; } = 1;
    public bool SoftDeletes { get; init; }

    /// <summary>SQL Server: how the writer's connection authenticates.</summary>
    public SqlServerAuthentication Authentication { get; init; } = SqlServerAuthentication.ConnectionString;

    /// <summary>SQL Server with Azure AD: the client id of a user-assigned managed identity.</summary>
    public string? ManagedIdentityClientId { get; init; }
}

/// <summary>
/// A named budget: spend of matching usage records per period, with alerts at thresholds and optional enforcement
/// (docs/metering.md). Declared in a pipeline's <c>budget:</c> or in a deployment budgets file.
/// </summary>
public sealed record BudgetDefinition
{
    /// <summary>Budget name; a pipeline's budget defaults to the pipeline name.</summary>
    public string? Name { get; init; }

    /// <summary>Spend allowed per period, in the price list's currency.</summary>
    public decimal? Amount { get; init; }

    /// <summary><c>day</c> or <c>month</c> (UTC); null means month.</summary>
    public string? Period { get; init; }

    /// <summary>Percentages of <see cref="Amount"/> that raise an alert once per period; null means 50, 80 and 100.</summary>
    public IReadOnlyList<int>? Thresholds { get; init; }

    /// <summary>Refuse new runs of matching pipelines once the period's spend reaches the amount.</summary>
    public bool Enforce { get; init; }

    /// <summary>Tags a usage record must carry to count. Null in a pipeline's budget: only that pipeline's records.</summary>
    public IReadOnlyDictionary<string, string>? Filter { get; init; }
}

public sealed record RunSettings
{
    /// <summary>Tables processed at once by the gateway and by the ingest step.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>Rows per snapshot chunk (one staged batch, one checkpoint).</summary>
    public int SnapshotChunkRows { get; init; } = 100_000;

    /// <summary>Rows per change batch before the gateway commits and starts another.</summary>
    public int MaxBatchRows { get; init; } = 250_000;
}
