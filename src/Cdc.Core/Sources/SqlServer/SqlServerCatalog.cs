using System.Data.Common;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>A table or view of a selected schema, from sys.objects.</summary>
/// <param name="Type">sys.objects.type without its padding: U (table) or V (view).</param>
internal sealed record CatalogObject(int ObjectId, string Name, string Type, bool TrackedByCdc, bool TrackedByChangeTracking)
{
    public bool IsTable => Type == "U";
}

/// <summary>A column of a selected table, from sys.columns and sys.types.</summary>
/// <param name="TypeName">The declared type (an alias type's own name).</param>
/// <param name="BaseTypeName">The system type the column is stored as (sys.types row of its system_type_id); null for
/// CLR types.</param>
/// <param name="KeyOrdinal">Position in the primary key (1-based); null outside it.</param>
internal sealed record CatalogColumn(
    int ObjectId, string Name, string TypeName, string? BaseTypeName, bool IsUserDefinedType, bool IsAssemblyType,
    short MaxLength, byte Precision, byte Scale, bool Nullable, bool Computed, bool ColumnSet, byte? KeyOrdinal)
{
    /// <summary>The system type to map: the base type of an alias type (sysname is nvarchar), the type itself for
    /// hierarchyid, geography and geometry; null for a CLR user-defined type, which cannot be captured.</summary>
    public string? SystemTypeName => IsAssemblyType ? (IsUserDefinedType ? null : TypeName) : BaseTypeName ?? TypeName;
}

/// <summary>
/// The catalog statements discovery sends, and readers for their result sets. Names are compared by the database's
/// collation in the statements; discovery then insists on the exact spelling, since tables are identified by it.
/// </summary>
internal static class SqlServerCatalog
{
    public const string DatabaseSql = """
        SELECT DB_NAME() AS database_name, d.snapshot_isolation_state, d.is_cdc_enabled, CHANGE_TRACKING_CURRENT_VERSION() AS change_tracking_version
        FROM sys.databases AS d
        WHERE d.database_id = DB_ID()
        """;

    /// <summary>Three result sets for one selection entry (<c>@schema</c>, and <c>@table</c> or NULL for the whole
    /// schema): the schema's name, its tables and views, and the columns of its tables in column order with their
    /// primary key positions.</summary>
    public const string SchemaSql = """
        SELECT s.name FROM sys.schemas AS s WHERE s.name = @schema;
        SELECT o.object_id, o.name, o.type, CAST(ISNULL(tb.is_tracked_by_cdc, 0) AS bit) AS is_tracked_by_cdc, CAST(CASE WHEN ctt.object_id IS NULL THEN 0 ELSE 1 END AS bit) AS is_tracked_by_ct
        FROM sys.objects AS o
        LEFT OUTER JOIN sys.tables AS tb ON tb.object_id = o.object_id
        LEFT OUTER JOIN sys.change_tracking_tables AS ctt ON ctt.object_id = o.object_id
        WHERE o.schema_id = SCHEMA_ID(@schema) AND o.type IN ('U', 'V') AND o.is_ms_shipped = 0 AND (@table IS NULL OR o.name = @table)
        ORDER BY o.name;
        SELECT c.object_id, c.name, ty.name AS type_name, bt.name AS base_type_name, ty.is_user_defined, ty.is_assembly_type, c.max_length, c.precision, c.scale, c.is_nullable, c.is_computed, c.is_column_set, ic.key_ordinal
        FROM sys.columns AS c
        JOIN sys.objects AS o ON o.object_id = c.object_id
        JOIN sys.types AS ty ON ty.user_type_id = c.user_type_id
        LEFT OUTER JOIN sys.types AS bt ON bt.user_type_id = c.system_type_id
        LEFT OUTER JOIN sys.indexes AS pk ON pk.object_id = c.object_id AND pk.is_primary_key = 1
        LEFT OUTER JOIN sys.index_columns AS ic ON ic.object_id = pk.object_id AND ic.index_id = pk.index_id AND ic.column_id = c.column_id
        WHERE o.schema_id = SCHEMA_ID(@schema) AND o.type = 'U' AND o.is_ms_shipped = 0 AND (@table IS NULL OR o.name = @table)
        ORDER BY c.object_id, c.column_id;
        """;

    /// <summary>Rows by the table's partitions' statistics: metadata visible with SELECT on the table, no DMV permission.</summary>
    /// <summary>The server's clock, with its offset.</summary>
    public const string CurrentTimeSql = "SELECT SYSDATETIMEOFFSET()";

    public const string RowEstimateSql = "SELECT SUM(p.rows) FROM sys.partitions AS p WHERE p.object_id = OBJECT_ID(@table) AND p.index_id IN (0, 1)";

    public static async Task<SqlServerDatabaseFacts> ReadDatabaseAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!await reader.ReadAsync(cancellationToken)) throw new SourceException("The source database is not visible in sys.databases.");
        return new SqlServerDatabaseFacts(
            reader.GetString(0),
            reader.GetByte(1),
            reader.GetBoolean(2),
            reader.IsDBNull(3) ? null : reader.GetInt64(3));
    }

    public static async Task<List<string>> ReadSchemaNamesAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) names.Add(reader.GetString(0));
        return names;
    }

    public static async Task<List<CatalogObject>> ReadObjectsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var objects = new List<CatalogObject>();
        while (await reader.ReadAsync(cancellationToken))
            objects.Add(new CatalogObject(reader.GetInt32(0), reader.GetString(1), reader.GetString(2).TrimEnd(), reader.GetBoolean(3), reader.GetBoolean(4)));
        return objects;
    }

    public static async Task<List<CatalogColumn>> ReadColumnsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var columns = new List<CatalogColumn>();
        while (await reader.ReadAsync(cancellationToken))
            columns.Add(new CatalogColumn(
                reader.GetInt32(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetBoolean(4),
                reader.GetBoolean(5),
                reader.GetInt16(6),
                reader.GetByte(7),
                reader.GetByte(8),
                !reader.IsDBNull(9) && reader.GetBoolean(9),
                !reader.IsDBNull(10) && reader.GetBoolean(10),
                !reader.IsDBNull(11) && reader.GetBoolean(11),
                reader.IsDBNull(12) ? null : reader.GetByte(12)));
        return columns;
    }
}
