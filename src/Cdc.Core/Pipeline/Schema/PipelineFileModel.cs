using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Cdc.Core.Pipeline.Schema;

// The pipeline file's shape, mirrored from the YAML for the JSON Schema (schemas/pipeline.schema.json) and for the
// set of keys the loader accepts. Descriptions, ranges and patterns here end up in editors' hover and checks.

[Description("An Ingest pipeline: where data comes from, which tables, where batches are staged, where they land and when it runs. See docs/configuration.md.")]
public sealed record PipelineFile
{
    [Description("Pipeline name: lower-case letters, digits, '_' and '-', starting with a letter or digit, at most 63 characters. Used in staging paths and replication slot names.")]
    [RegularExpression(PipelineNames.NamePattern)]
    public required string Name { get; init; }

    [Description("The database changes are read from.")]
    public required SourceSection Source { get; init; }

    [Description("What to capture: whole schemas (optionally minus some tables) and single tables.")]
    [MinLength(1)]
    public required IReadOnlyList<ObjectEntry> Objects { get; init; }

    [Description("Where batches are staged between the gateway and the ingest step.")]
    public required StagingSection Staging { get; init; }

    [Description("The database the tables land in.")]
    public required DestinationSection Destination { get; init; }

    [Description("When the pipeline runs, in UTC: a cron expression with 5 fields (or 6, seconds first), e.g. \"*/15 * * * *\", or an interval: 30s, 15m, 1h, 1d. Leave out to run only on request.")]
    public string? Schedule { get; init; }

    [Description("Cost tags carried by every usage record, event and metric of the pipeline. Text keys and values; quote numbers.")]
    [MinLength(1)]
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    [Description("The budget this pipeline's usage counts against.")]
    public BudgetSection? Budget { get; init; }

    [Description("Throughput settings.")]
    public RunSection? Run { get; init; }
}

public sealed record SourceSection
{
    [Description("Source database engine.")]
    public required SourceKindName Kind { get; init; }

    [Description("Connection string. ${env:NAME} is replaced by environment variable NAME, also inside a longer string; $${ is a literal ${.")]
    public required string Connection { get; init; }

    [Description("SQL Server only: how changes are captured unless an object says otherwise. auto uses change tracking for a table with a primary key and CDC for one without (or when change tracking is not enabled on it).")]
    [DefaultValue("auto")]
    public CaptureModeName? CaptureMode { get; init; }

    [Description("What happens when a table's changes are no longer available from its saved position (a dropped replication slot, a position older than the change retention): resnapshot snapshots the table again, fail fails it until a full refresh is asked for. Either way the gap is reported; it is never skipped silently.")]
    [DefaultValue("resnapshot")]
    public RetentionGapPolicyName? OnRetentionGap { get; init; }

    [Description("SQL Server only: connection_string uses what the connection string says (SQL authentication); azure_ad gets an Azure AD token (managed identity in Azure).")]
    [DefaultValue("connection_string")]
    public SqlServerAuthenticationName? Authentication { get; init; }

    [Description("SQL Server with authentication azure_ad: client id of the user-assigned managed identity to use.")]
    public string? ManagedIdentityClientId { get; init; }

    [Description("SQL Server CDC only: when a table's columns no longer match its capture instance, create a new capture instance, switch to it at its start LSN, and drop the old one once it is read to the end. Needs db_owner.")]
    [DefaultValue(false)]
    public bool? ManageCaptureInstances { get; init; }

    [Description("PostgreSQL only: logical replication slot name. Defaults to ingest_<name> with '-' as '_'.")]
    [RegularExpression(PipelineNames.SlotPattern)]
    public string? Slot { get; init; }

    [Description("PostgreSQL only: publication name, at most 63 bytes, without quotes or backslashes. Defaults to the slot name.")]
    public string? Publication { get; init; }
}

[Description("A whole schema (schema, optionally exclude) or one table (schema and table, optionally keys). Names are exact and case-sensitive.")]
public sealed record ObjectEntry
{
    [Description("Source schema name.")]
    public required string Schema { get; init; }

    [Description("Source table name; leave out to take every table of the schema.")]
    public string? Table { get; init; }

    [Description("Whole-schema entries only: table names to leave out.")]
    public IReadOnlyList<string>? Exclude { get; init; }

    [Description("Single-table entries only: columns that identify a row, overriding (or standing in for) the primary key.")]
    [MinLength(1)]
    public IReadOnlyList<string>? Keys { get; init; }

    [Description("1 keeps the latest version of each row, 2 keeps history. Defaults to destination.scd_type.")]
    [Range(1, 2)]
    public int? ScdType { get; init; }

    [Description("Single-table entries only: target table name, defaulting to the source table name. Lets one source table feed two targets.")]
    public string? DestinationTable { get; init; }

    [Description("SCD type 1 only: mark deleted rows instead of removing them. Defaults to destination.soft_deletes.")]
    public bool? SoftDeletes { get; init; }

    [Description("SQL Server only: how this entry's tables are captured. Defaults to source.capture_mode.")]
    public CaptureModeName? CaptureMode { get; init; }
}

public sealed record StagingSection
{
    [Description("A local folder, UseDevelopmentStorage=true (Azurite), an Azure Storage connection string, or a container URL https://<account>.blob.core.windows.net/<container> (Azure AD). ${env:NAME} is replaced as in connection strings.")]
    public required string Location { get; init; }

    [Description("Blob container, for connection-string and UseDevelopmentStorage locations: 3-63 lower-case letters, digits and single hyphens.")]
    [DefaultValue("ingest-staging")]
    public string? Container { get; init; }

    [Description("Path inside the folder or container, '/'-separated. Defaults to the pipeline name.")]
    public string? Prefix { get; init; }
}

public sealed record DestinationSection
{
    [Description("Destination database engine.")]
    public required DestinationKindName Kind { get; init; }

    [Description("Connection string; ${env:NAME} is replaced as for the source.")]
    public required string Connection { get; init; }

    [Description("Schema the target tables are created in.")]
    [DefaultValue("ingest")]
    public string? Schema { get; init; }

    [Description("Default slowly-changing-dimension type for objects that name none: 1 latest version, 2 history.")]
    [Range(1, 2)]
    [DefaultValue(1)]
    public int? ScdType { get; init; }

    [Description("Default for SCD type 1 objects: mark deleted rows instead of removing them.")]
    [DefaultValue(false)]
    public bool? SoftDeletes { get; init; }

    [Description("SQL Server only: connection_string or azure_ad, as for the source.")]
    [DefaultValue("connection_string")]
    public SqlServerAuthenticationName? Authentication { get; init; }

    [Description("SQL Server with authentication azure_ad: client id of the user-assigned managed identity to use.")]
    public string? ManagedIdentityClientId { get; init; }
}

public sealed record BudgetSection
{
    [Description("Budget name; defaults to the pipeline name. Alerts and the refusal message name it.")]
    public string? Name { get; init; }

    [Description("Spend allowed per period, in the price list's currency (USD by default). Required with budget.")]
    [Range(0d, double.MaxValue)]
    public decimal? Amount { get; init; }

    [Description("Budget period in UTC: day or month.")]
    [DefaultValue("month")]
    public BudgetPeriodName? Period { get; init; }

    [Description("Percentages of amount (1 to 1000, ascending) that each raise one alert per period.")]
    [MinLength(1)]
    public IReadOnlyList<int>? Thresholds { get; init; }

    [Description("Refuse new runs of matching pipelines once the period's spend reaches amount.")]
    [DefaultValue(false)]
    public bool? Enforce { get; init; }

    [Description("Tags a usage record must carry to count against this budget (all of them). Leave out to count only this pipeline's usage.")]
    [MinLength(1)]
    public IReadOnlyDictionary<string, string>? Filter { get; init; }
}

public sealed record RunSection
{
    [Description("Tables processed at once by the gateway and by the ingest step.")]
    [Range(RunLimits.MinParallelism, RunLimits.MaxParallelism)]
    [DefaultValue(4)]
    public int? Parallelism { get; init; }

    [Description("Rows per snapshot chunk (one staged batch, one checkpoint).")]
    [Range(RunLimits.MinRows, RunLimits.MaxRows)]
    [DefaultValue(100_000)]
    public int? SnapshotChunkRows { get; init; }

    [Description("Rows per change batch before the gateway commits and starts another.")]
    [Range(RunLimits.MinRows, RunLimits.MaxRows)]
    [DefaultValue(250_000)]
    public int? MaxBatchRows { get; init; }
}

public enum SourceKindName
{
    Postgres,
    [JsonStringEnumMemberName("sqlserver")]
    SqlServer,
}

public enum DestinationKindName
{
    Postgres,
    [JsonStringEnumMemberName("sqlserver")]
    SqlServer,
}

public enum BudgetPeriodName
{
    Day,
    Month,
}

public enum RetentionGapPolicyName
{
    Resnapshot,
    Fail,
}

public enum SqlServerAuthenticationName
{
    ConnectionString,
    AzureAd,
}

public enum CaptureModeName
{
    Auto,
    ChangeTracking,
    Cdc,
}

/// <summary>Bounds of the <c>run</c> settings, shared by the loader and the schema.</summary>
public static class RunLimits
{
    public const int MinParallelism = 1;
    public const int MaxParallelism = 64;
    public const int MinRows = 1_000;
    public const int MaxRows = 10_000_000;
}
