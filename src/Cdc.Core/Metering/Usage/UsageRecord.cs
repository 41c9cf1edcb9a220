using Cdc.Core.Model;
using Cdc.Core.Runs;

namespace Cdc.Core.Metering;

/// <summary>Which part of a run a usage record covers.</summary>
public enum UsageStep
{
    /// <summary>What no single table caused: the execution itself, lease, discovery, bookkeeping, idle time.</summary>
    Run,

    /// <summary>A table's snapshot and change capture, up to its staged batches.</summary>
    Gateway,

    /// <summary>A table's apply into its target tables.</summary>
    Ingest,
}

/// <summary>Rows by operation. Snapshot rows count as inserts.</summary>
public sealed record RowCounts(long Inserts, long Updates, long Deletes)
{
    public static RowCounts Zero { get; } = new(0, 0, 0);

    public long Total => Inserts + Updates + Deletes;

    public RowCounts Add(RowCounts other) => new(Inserts + other.Inserts, Updates + other.Updates, Deletes + other.Deletes);
}

/// <summary>Staging store requests by billing class, counted per call (a large upload the SDK splits into blocks is
/// one here), and the bytes moved. Deletes are free on general-purpose v2 accounts and are counted, not priced.</summary>
public sealed record StorageOperations(long Writes, long Reads, long Lists, long Deletes, long BytesWritten, long BytesRead)
{
    public static StorageOperations Zero { get; } = new(0, 0, 0, 0, 0, 0);

    public long Total => Writes + Reads + Lists + Deletes;

    public StorageOperations Add(StorageOperations other) => new(
        Writes + other.Writes, Reads + other.Reads, Lists + other.Lists, Deletes + other.Deletes,
        BytesWritten + other.BytesWritten, BytesRead + other.BytesRead);
}

/// <summary>One priced quantity: <see cref="Quantity"/> × <see cref="UnitPrice"/> / <see cref="Per"/>.
/// <see cref="UnitPrice"/> is null when the price list has no price for the SKU at the record's time.</summary>
public sealed record CostLine(string Sku, decimal Quantity, string Unit, decimal? UnitPrice, decimal Per, decimal Amount);

public sealed record CostEstimate(string Currency, decimal Total, IReadOnlyList<CostLine> Lines)
{
    public static CostEstimate Zero(string currency) => new(currency, 0m, []);
}

/// <summary>
/// What one run spent, per table and step (gateway, ingest) plus one record for the run itself. The records of a run
/// add up to the run: nothing is counted twice, so sums over any grouping are totals. The JSON form (snake_case,
/// <see cref="UsageJson"/>) is what the ledger stores and the Functions app sends to Event Hubs; docs/metering.md
/// describes every field.
/// </summary>
public sealed record UsageRecord
{
    public const int CurrentSchemaVersion = 1;

    /// <summary>Always "usage": tells usage records from alerts in a shared event stream.</summary>
    public string RecordType => "usage";

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string Pipeline { get; init; }

    public required string RunId { get; init; }

    public required RunTrigger Trigger { get; init; }

    public required UsageStep Step { get; init; }

    /// <summary>The source table; null on the run record.</summary>
    public TableId? Table { get; init; }

    public required DateTimeOffset Start { get; init; }

    public required DateTimeOffset End { get; init; }

    /// <summary>succeeded, partially_failed, failed (run record); succeeded or failed (table records); error or
    /// cancelled when the run stopped with an exception.</summary>
    public required string Outcome { get; init; }

    /// <summary>Gateway: rows read from the source. Ingest: rows read back from staged batches (each target flow reads
    /// its batches, so a table feeding two targets reads them twice).</summary>
    public RowCounts RowsRead { get; init; } = RowCounts.Zero;

    /// <summary>Rows in batches the gateway committed.</summary>
    public RowCounts RowsStaged { get; init; } = RowCounts.Zero;

    /// <summary>Rows the target inserted, updated and deleted (SCD type 2 closing a version counts as an update).</summary>
    public RowCounts RowsApplied { get; init; } = RowCounts.Zero;

    /// <summary>Gateway: estimated uncompressed size of the values read from the source. Ingest: compressed staged
    /// bytes of the batches read.</summary>
    public long BytesRead { get; init; }

    /// <summary>Compressed bytes of the data files committed.</summary>
    public long BytesStaged { get; init; }

    public long FilesStaged { get; init; }

    public StorageOperations StorageOperations { get; init; } = StorageOperations.Zero;

    /// <summary>Calls made to the source connector (a snapshot chunk read counts once): a call count, not network packets.</summary>
    public long SourceRoundTrips { get; init; }

    /// <summary>Calls made to the target writer (one apply of a batch counts once).</summary>
    public long TargetRoundTrips { get; init; }

    /// <summary>Wall-clock seconds attributed to this record; the records of a run add up to its duration.</summary>
    public double ComputeSeconds { get; init; }

    /// <summary>Process CPU seconds in proportion to <see cref="ComputeSeconds"/>.</summary>
    public double CpuSeconds { get; init; }

    /// <summary>The instance memory size the GB-seconds are billed for.</summary>
    public int MemoryMb { get; init; }

    /// <summary><see cref="MemoryMb"/> / 1024 × <see cref="ComputeSeconds"/>: what Flex Consumption bills.</summary>
    public double MemoryGbSeconds { get; init; }

    public long Executions { get; init; }

    /// <summary>Ingest: seconds from the source commit of the newest applied change to the end of its apply.</summary>
    public double? LagSeconds { get; init; }

    public required CostEstimate Cost { get; init; }

    /// <summary>The pipeline's tags merged over the deployment's defaults.</summary>
    public required IReadOnlyDictionary<string, string> Tags { get; init; }
}
