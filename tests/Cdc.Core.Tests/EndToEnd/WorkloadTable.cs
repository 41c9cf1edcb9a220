namespace Cdc.Core.Tests.EndToEnd;

/// <summary>A source table of the randomized workload: hostile names, every supported type, composite keys.</summary>
public sealed record WorkloadTable(string Schema, string Name, IReadOnlyList<WorkloadColumn> Columns, IReadOnlyList<string> Keys)
{
    public IEnumerable<WorkloadColumn> NonKeyColumns => Columns.Where(c => !Keys.Contains(c.Name));

    public static IReadOnlyList<WorkloadTable> All { get; } =
    [
        new("select", "Order Details",
        [
            new("order_id", "integer", ValueKind.Int32),
            new("line no", "smallint", ValueKind.Int16),
            new("qty", "bigint", ValueKind.Int64),
            new("price", "numeric(38,10)", ValueKind.Numeric38),
            new("discount", "real", ValueKind.Float32),
            new("weight", "double precision", ValueKind.Float64),
            new("note", "text", ValueKind.Text),
            new("flag", "boolean", ValueKind.Boolean),
            new("tag", "uuid", ValueKind.Uuid),
            new("payload", "bytea", ValueKind.Bytes),
            new("doc", "jsonb", ValueKind.Json),
            new("ship_date", "date", ValueKind.Date),
            new("ship_time", "time", ValueKind.Time),
            new("created", "timestamp", ValueKind.Timestamp),
            new("updated", "timestamptz", ValueKind.TimestampTz),
            new("status", "varchar(20)", ValueKind.ShortText),
            new("big_text", "text", ValueKind.LargeText),
        ], ["order_id", "line no"]),
        new("public", "a\"b",
        [
            new("id", "uuid", ValueKind.Uuid),
            new("Ünïcödé", "text", ValueKind.Text),
            new("n", "numeric", ValueKind.NumericAny),
            new("t", "timestamptz", ValueKind.TimestampTz),
            new("select", "integer", ValueKind.Int32),
        ], ["id"]),
        new("public", "Ünïcödé",
        [
            new("k", "text", ValueKind.KeyText),
            new("v", "integer", ValueKind.Int32),
            new("b", "bytea", ValueKind.Bytes),
        ], ["k"]),
    ];
}

public sealed record WorkloadColumn(string Name, string SqlType, ValueKind Kind);

public enum ValueKind
{
    Int16,
    Int32,
    Int64,
    Numeric38,
    NumericAny,
    Float32,
    Float64,
    Text,
    KeyText,
    ShortText,
    LargeText,
    Boolean,
    Uuid,
    Bytes,
    Json,
    Date,
    Time,
    Timestamp,
    TimestampTz,
}
