using System.Data.Common;
using Cdc.Core.Model;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>
/// Reads the capture instances of a database: <c>cdc.change_tables</c> for the instances, <c>cdc.captured_columns</c>
/// for their columns (its <c>object_id</c> is the change table's), the change table's own <c>sys.columns</c> for the
/// exact types, and the source tables' current columns.
/// </summary>
internal static class CdcCatalog
{
    public const string DatabaseEnabledSql = "SELECT CAST(d.[is_cdc_enabled] AS int) FROM sys.databases AS d WHERE d.[database_id] = DB_ID()";

    /// <summary>CLR types (hierarchyid, geometry, geography) share system_type_id 240 and are told apart by user_type_id;
    /// every other type is named by its system type, which resolves alias types.</summary>
    private const string TypeName = "TYPE_NAME(CASE WHEN c.[system_type_id] = 240 THEN c.[user_type_id] ELSE c.[system_type_id] END)";

    /// <summary>Two result sets: instances with their captured columns, then the tracked tables' current columns. Catalog
    /// names compare in the database's collation: a contained database keeps its catalog in another one.</summary>
    public const string DescribeSql =
        "SELECT s.[name] AS source_schema, t.[name] AS source_table, ct.[capture_instance], ct.[start_lsn], ct.[create_date], "
        + "ct.[supports_net_changes], ct.[role_name], ct.[index_name], ct.[filegroup_name], ct.[partition_switch], "
        + "cc.[column_name], cc.[column_ordinal], cc.[is_computed], " + TypeName + " AS column_type, "
        + "c.[max_length], c.[precision], c.[scale], c.[is_nullable] "
        + "FROM cdc.change_tables AS ct "
        + "JOIN sys.tables AS t ON t.[object_id] = ct.[source_object_id] "
        + "JOIN sys.schemas AS s ON s.[schema_id] = t.[schema_id] "
        + "JOIN cdc.captured_columns AS cc ON cc.[object_id] = ct.[object_id] "
        + "JOIN sys.columns AS c ON c.[object_id] = ct.[object_id] AND c.[name] COLLATE DATABASE_DEFAULT = cc.[column_name] "
        + "ORDER BY s.[name], t.[name], ct.[create_date], ct.[capture_instance], cc.[column_ordinal];\n"
        + "SELECT s.[name] AS source_schema, t.[name] AS source_table, c.[name] AS column_name, c.[is_computed] "
        + "FROM sys.tables AS t "
        + "JOIN sys.schemas AS s ON s.[schema_id] = t.[schema_id] "
        + "JOIN sys.columns AS c ON c.[object_id] = t.[object_id] "
        + "WHERE t.[is_tracked_by_cdc] = 1 "
        + "ORDER BY s.[name], t.[name], c.[column_id];";

    /// <summary>Every capture instance name of the database, for naming a new one.</summary>
    public const string InstanceNamesSql = "SELECT ct.[capture_instance] FROM cdc.change_tables AS ct";

    /// <summary>Maps the two result sets of <see cref="DescribeSql"/>; tables without a capture instance are absent.</summary>
    public static async Task<Dictionary<TableId, CdcTableInfo>> ReadAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var instances = new Dictionary<TableId, List<InstanceBuilder>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var table = new TableId(reader.GetString(0), reader.GetString(1));
            if (!instances.TryGetValue(table, out var list)) instances[table] = list = [];
            var name = reader.GetString(2);
            var instance = list.Find(i => i.Name == name);
            if (instance is null)
            {
                instance = new InstanceBuilder(
                    name,
                    reader.IsDBNull(3) ? null : SqlLsn.FromBytes(reader.GetFieldValue<byte[]>(3)),
                    reader.GetDateTime(4),
                    reader.GetBoolean(5),
                    NullableString(reader, 6),
                    NullableString(reader, 7),
                    NullableString(reader, 8),
                    !reader.IsDBNull(9) && reader.GetBoolean(9));
                list.Add(instance);
            }
            instance.Columns.Add(new CdcCapturedColumn(
                reader.GetString(10),
                reader.GetInt32(11),
                !reader.IsDBNull(12) && reader.GetBoolean(12),
                reader.IsDBNull(13) ? "(unknown)" : reader.GetString(13),
                reader.GetInt16(14),
                reader.GetByte(15),
                reader.GetByte(16),
                reader.IsDBNull(17) || reader.GetBoolean(17)));
        }

        var columns = new Dictionary<TableId, List<CdcSourceColumn>>();
        if (await reader.NextResultAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var table = new TableId(reader.GetString(0), reader.GetString(1));
                if (!columns.TryGetValue(table, out var list)) columns[table] = list = [];
                list.Add(new CdcSourceColumn(reader.GetString(2), reader.GetBoolean(3)));
            }
        }

        return instances.ToDictionary(
            e => e.Key,
            e => new CdcTableInfo(e.Key, Order(e.Value.Select(b => b.Build())), columns.TryGetValue(e.Key, out var c) ? c : []));
    }

    /// <summary>Oldest first: by creation time, then start LSN (not yet started last), then name.</summary>
    public static IReadOnlyList<CdcCaptureInstance> Order(IEnumerable<CdcCaptureInstance> instances) =>
        instances.OrderBy(i => i.CreateDate).ThenBy(i => i.StartLsn ?? SqlLsn.MaxValue).ThenBy(i => i.Name, StringComparer.Ordinal).ToList();

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private sealed class InstanceBuilder(
        string name, SqlLsn? startLsn, DateTime createDate, bool supportsNetChanges, string? roleName, string? indexName, string? filegroupName, bool partitionSwitch)
    {
        public string Name { get; } = name;
        public List<CdcCapturedColumn> Columns { get; } = [];

        public CdcCaptureInstance Build() => new(
            Name, startLsn, createDate, supportsNetChanges, roleName, indexName, filegroupName, partitionSwitch, Columns.OrderBy(c => c.Ordinal).ToList());
    }
}
