namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>
/// The workload's tables. Between them they have names with <c>]</c>, spaces, quotes and Unicode, every type the
/// SQL Server connector carries (with scales other than 7 and lengths other than max), a composite key, a
/// uniqueidentifier key, a Unicode text key, and a heap whose keys only the pipeline declares.
/// </summary>
public static class SqlWorkloadTables
{
    /// <summary>One column of every type the connector carries (rowversion aside: it cannot be written).</summary>
    private static readonly SqlWorkloadColumn[] EveryType =
    [
        new("qty", "bigint"),
        new("tiny", "tinyint"),
        new("flag", "bit"),
        new("price", "decimal(38,10)"),
        new("amount", "money"),
        new("weight", "float"),
        new("discount", "real"),
        new("ship date", "date"),
        new("ship time", "time(7)"),
        new("created", "datetime2(7)"),
        new("legacy", "datetime"),
        new("rounded", "smalldatetime"),
        new("updated", "datetimeoffset(7)"),
        new("code", "char(8)"),
        new("status", "varchar(20)"),
        new("label", "nchar(6)"),
        new("note", "nvarchar(200)"),
        new("big note", "nvarchar(max)"),
        new("ascii blob", "varchar(max)"),
        new("payload", "varbinary(max)"),
        new("fixed bytes", "binary(6)"),
        new("tag", "uniqueidentifier"),
        new("doc", "xml"),
        new("node", "hierarchyid"),
        new("place", "geography"),
        new("shape", "geometry"),
        new("anything", "sql_variant"),
    ];

    /// <summary>Change tracking; every type; a composite key; a schema named by a reserved word.</summary>
    public static SqlWorkloadTable OrderDetails { get; } = new(
        "select", "Order Details",
        [new("order_id", "int"), new("line no", "smallint"), .. EveryType],
        ["order_id", "line no"],
        SqlCapture.ChangeTracking);

    /// <summary>Change tracking; <c>]</c>, quotes and spaces in every name; a rowversion; scales below 7.</summary>
    public static SqlWorkloadTable Hostile { get; } = new(
        "odd]schema", "a]b \"c' d",
        [
            new("id", "uniqueidentifier"),
            new("Ünïcödé", "nvarchar(100)"),
            new("select", "int"),
            new("col ]x", "decimal(18,4)"),
            new("it's", "datetimeoffset(3)"),
            new("when'", "datetime2(3)"),
            new("at", "time(0)"),
            new("\"quoted\"", "nvarchar(max)"),
            new("row version", "rowversion"),
        ],
        ["id"],
        SqlCapture.ChangeTracking);

    /// <summary>Change tracking; a Unicode schema and table name; a Unicode text key.</summary>
    public static SqlWorkloadTable Unicode { get; } = new(
        "Ünïcödé", "表 データ",
        [new("k", "nvarchar(40)"), new("v", "int"), new("b", "varbinary(16)"), new("t", "nvarchar(max)")],
        ["k"],
        SqlCapture.ChangeTracking);

    /// <summary>A heap (no primary key) captured through CDC with declared keys; every type.</summary>
    public static SqlWorkloadTable EventsLog { get; } = new(
        "sales ops", "events log",
        [new("event id", "bigint"), new("source system", "varchar(10)"), .. EveryType],
        ["event id", "source system"],
        SqlCapture.CdcWithoutPrimaryKey);

    /// <summary>A primary key with change tracking enabled too, captured through CDC because the pipeline says so. No
    /// CLR types (hierarchyid, geography, geometry): the CDC schema change test alters it, and CDC's capture job fails
    /// on DDL that follows unharvested changes of a table with those types.</summary>
    public static SqlWorkloadTable Accounts { get; } = new(
        "sales ops", "Accounts",
        [
            new("account id", "int"),
            new("name", "nvarchar(100)"),
            new("balance", "decimal(38,10)"),
            new("opened", "datetimeoffset(7)"),
            new("notes", "nvarchar(max)"),
            new("avatar", "varbinary(max)"),
            new("active", "bit"),
            new("score", "float"),
            new("profile", "xml"),
            new("extra", "sql_variant"),
            new("ref", "uniqueidentifier"),
        ],
        ["account id"],
        SqlCapture.CdcWithPrimaryKey);
}

/// <summary>The tables of one pipeline, and the one also kept as SCD 2 history (<c>&lt;name&gt; history</c>).</summary>
public sealed record SqlWorkloadSet(IReadOnlyList<SqlWorkloadTable> Tables, SqlWorkloadTable? History)
{
    public static SqlWorkloadSet ChangeTracking { get; } = new(
        [SqlWorkloadTables.OrderDetails, SqlWorkloadTables.Hostile, SqlWorkloadTables.Unicode], SqlWorkloadTables.OrderDetails);

    /// <summary>CDC tables, with a change tracking table beside them: <c>auto</c> chooses per table.</summary>
    public static SqlWorkloadSet Cdc { get; } = new(
        [SqlWorkloadTables.EventsLog, SqlWorkloadTables.Accounts, SqlWorkloadTables.Unicode], SqlWorkloadTables.EventsLog);

    public bool UsesCdc => Tables.Any(t => t.UsesCdc);
}
