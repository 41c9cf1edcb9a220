using Cdc.Core.Model;
using Cdc.Core.SqlServer;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>How a workload table is captured at the source.</summary>
public enum SqlCapture
{
    /// <summary>A primary key and change tracking: the pipeline's <c>auto</c> mode takes change tracking.</summary>
    ChangeTracking,

    /// <summary>A primary key, change tracking and CDC both enabled; the pipeline asks for <c>capture_mode: cdc</c>.</summary>
    CdcWithPrimaryKey,

    /// <summary>A heap captured through CDC, its rows identified by keys the pipeline declares.</summary>
    CdcWithoutPrimaryKey,
}

/// <summary>A source table of the SQL Server workload: hostile names, every type the connector carries, keys.</summary>
/// <param name="Keys">The primary key, or the keys the pipeline declares for a heap; the first one is the one a
/// key change rewrites.</param>
public sealed record SqlWorkloadTable(string Schema, string Name, IReadOnlyList<SqlWorkloadColumn> Columns, IReadOnlyList<string> Keys, SqlCapture Capture)
{
    public TableId Id => new(Schema, Name);

    /// <summary>The table quoted for T-SQL: <c>[schema].[name]</c>.</summary>
    public string Quoted => SqlName.Qualified(Schema, Name);

    public bool HasPrimaryKey => Capture != SqlCapture.CdcWithoutPrimaryKey;

    public bool UsesCdc => Capture != SqlCapture.ChangeTracking;

    /// <summary>The columns the workload writes (not rowversion).</summary>
    public IEnumerable<SqlWorkloadColumn> WritableColumns => Columns.Where(c => !c.IsGenerated);

    /// <summary>The columns an update may change: writable and not part of the key.</summary>
    public IEnumerable<SqlWorkloadColumn> UpdatableColumns => WritableColumns.Where(c => !IsKey(c.Name));

    public IReadOnlyList<SqlWorkloadColumn> KeyColumns => Keys.Select(Column).ToList();

    public bool IsKey(string column) => Keys.Contains(column, StringComparer.Ordinal);

    public SqlWorkloadColumn Column(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal))
        ?? throw new ArgumentException($"{Id} has no column '{name}'.", nameof(name));

    /// <summary>The same table with one more column at the end, as <c>ALTER TABLE ... ADD</c> leaves it.</summary>
    public SqlWorkloadTable WithColumn(SqlWorkloadColumn column) => this with { Columns = [.. Columns, column] };
}
