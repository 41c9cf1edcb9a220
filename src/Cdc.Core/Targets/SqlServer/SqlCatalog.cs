using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>A target table as the catalog describes it: columns in column_id order and the primary key.</summary>
internal sealed record ExistingSqlTable(IReadOnlyList<SqlTargetColumn> Columns, IReadOnlyList<string> PrimaryKey)
{
    /// <summary>The column of that name: exactly, or else ignoring case (names compare case-insensitively in a
    /// case-insensitive database, which most are).</summary>
    public SqlTargetColumn? Find(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal))
        ?? UniqueIgnoringCase(name);

    private SqlTargetColumn? UniqueIgnoringCase(string name)
    {
        var matches = Columns.Where(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }
}

/// <summary>Reads a target table's shape from the catalog views, by name, with the names as parameters.</summary>
internal static class SqlCatalog
{
    /// <summary>
    /// One row per column: name, type name, max_length (bytes, -1 for max), precision, scale, and the column's
    /// position in the primary key (NULL when not in it). An alias type reads as its system type; CLR types
    /// (hierarchyid, geography, geometry) by their own names. No row: no such table.
    /// </summary>
    public const string ColumnsSql = """
        SELECT c.name, CASE WHEN ty.is_user_defined = 1 AND ty.is_assembly_type = 0 THEN TYPE_NAME(ty.system_type_id) ELSE ty.name END AS type_name,
            c.max_length, c.precision, c.scale, ic.key_ordinal
        FROM sys.columns AS c
        JOIN sys.tables AS t ON t.object_id = c.object_id
        JOIN sys.schemas AS s ON s.schema_id = t.schema_id
        JOIN sys.types AS ty ON ty.user_type_id = c.user_type_id
        LEFT JOIN sys.indexes AS i ON i.object_id = c.object_id AND i.is_primary_key = 1
        LEFT JOIN sys.index_columns AS ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id AND ic.column_id = c.column_id AND ic.key_ordinal > 0
        WHERE s.name = @schema AND t.name = @table
        ORDER BY c.column_id
        """;

    public static async Task<ExistingSqlTable?> ReadTableAsync(SqlConnection connection, SqlTransaction transaction, string schema, string table, CancellationToken cancellationToken)
    {
        await using var command = SqlCommands.Create(connection, transaction, ColumnsSql);
        command.Parameters.Add(SqlCommands.Name("@schema", schema));
        command.Parameters.Add(SqlCommands.Name("@table", table));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await MapAsync(reader, cancellationToken);
    }

    /// <summary>Maps the rows of <see cref="ColumnsSql"/>: sysname, sysname, smallint, tinyint, tinyint, tinyint?.</summary>
    public static async Task<ExistingSqlTable?> MapAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var columns = new List<SqlTargetColumn>();
        var keys = new SortedList<int, string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            var type = SqlColumnType.FromCatalog(reader.GetString(1), reader.GetInt16(2), reader.GetByte(3), reader.GetByte(4));
            columns.Add(new SqlTargetColumn(name, type));
            if (!reader.IsDBNull(5)) keys.Add(reader.GetByte(5), name);
        }
        return columns.Count == 0 ? null : new ExistingSqlTable(columns, keys.Values.ToList());
    }
}
