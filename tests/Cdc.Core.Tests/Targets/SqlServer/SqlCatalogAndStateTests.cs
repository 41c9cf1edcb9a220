using System.Data;
using System.Data.Common;
using Cdc.Core.Targets;
using Cdc.Core.Targets.SqlServer;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

/// <summary>Catalog and applied-state result sets shaped like the server's, and the state table's T-SQL.</summary>
public sealed class SqlCatalogAndStateTests
{
    [Fact]
    public async Task Maps_catalog_rows_to_columns_and_the_key_in_key_order()
    {
        using var reader = ResultSet(
            [("name", typeof(string)), ("type_name", typeof(string)), ("max_length", typeof(short)), ("precision", typeof(byte)), ("scale", typeof(byte)), ("key_ordinal", typeof(byte))],
            ["region", "nvarchar", (short)20, (byte)0, (byte)0, (byte)2],
            ["id", "int", (short)4, (byte)10, (byte)0, (byte)1],
            ["note", "nvarchar", (short)-1, (byte)0, (byte)0, null],
            ["price", "numeric", (short)9, (byte)12, (byte)2, null],
            ["seen", "datetime2", (short)8, (byte)27, (byte)7, null],
            ["ratio", "float", (short)8, (byte)53, (byte)0, null],
            ["small", "real", (short)4, (byte)24, (byte)0, null],
            ["code", "char", (short)3, (byte)0, (byte)0, null],
            ["node", "hierarchyid", (short)892, (byte)0, (byte)0, null],
            ["at", "datetimeoffset", (short)10, (byte)34, (byte)7, null]);

        var table = await SqlCatalog.MapAsync(reader, CancellationToken.None);

        table!.Columns.Select(c => $"{c.Name} {c.Type.Sql}").Should().Equal(
            "region nvarchar(10)", "id int", "note nvarchar(max)", "price numeric(12,2)", "seen datetime2(7)", "ratio float", "small real", "code char(3)", "node hierarchyid", "at datetimeoffset(7)");
        table.PrimaryKey.Should().Equal("id", "region");
        table.Find("NOTE")!.Name.Should().Be("note");
    }

    [Fact]
    public async Task No_rows_means_no_table()
    {
        using var reader = ResultSet([("name", typeof(string)), ("type_name", typeof(string)), ("max_length", typeof(short)), ("precision", typeof(byte)), ("scale", typeof(byte)), ("key_ordinal", typeof(byte))]);

        (await SqlCatalog.MapAsync(reader, CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public void The_catalog_query_takes_the_names_as_parameters()
    {
        SqlCatalog.ColumnsSql.Should().Be("""
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
            """);
    }

    [Fact]
    public async Task Maps_the_applied_state_row()
    {
        var at = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.FromHours(1));
        using var reader = ResultSet([("sequence", typeof(long)), ("snapshot_generation", typeof(int)), ("schema_fingerprint", typeof(string)), ("applied_at", typeof(DateTimeOffset))],
            [42L, 3, "0123456789abcdef", at]);
        using var empty = ResultSet([("sequence", typeof(long)), ("snapshot_generation", typeof(int)), ("schema_fingerprint", typeof(string)), ("applied_at", typeof(DateTimeOffset))]);
        using var noFingerprint = ResultSet([("sequence", typeof(long)), ("snapshot_generation", typeof(int)), ("schema_fingerprint", typeof(string)), ("applied_at", typeof(DateTimeOffset))],
            [1L, 1, null, at]);

        (await SqlAppliedState.MapAsync(reader, CancellationToken.None)).Should().Be(new AppliedState(42, 3, "0123456789abcdef", at));
        (await SqlAppliedState.MapAsync(empty, CancellationToken.None)).Should().BeNull();
        (await SqlAppliedState.MapAsync(noFingerprint, CancellationToken.None))!.SchemaFingerprint.Should().BeNull();
    }

    [Fact]
    public void The_state_table_has_the_same_columns_as_the_postgres_one()
    {
        SqlAppliedState.CreateSchemaSql.Should().Be("IF SCHEMA_ID(N'_ingest') IS NULL EXEC(N'CREATE SCHEMA [_ingest]')");
        SqlAppliedState.CreateTableSql.Should().Be("""
            IF OBJECT_ID(N'[_ingest].[applied_batches]', N'U') IS NULL
            CREATE TABLE [_ingest].[applied_batches] (
                [pipeline] nvarchar(128) NOT NULL,
                [target_schema] nvarchar(128) NOT NULL,
                [target_table] nvarchar(128) NOT NULL,
                [source_schema] nvarchar(256) NOT NULL,
                [source_table] nvarchar(256) NOT NULL,
                [sequence] bigint NOT NULL,
                [snapshot_generation] int NOT NULL,
                [schema_fingerprint] nvarchar(64) NULL,
                [schema_json] nvarchar(max) NULL,
                [applied_at] datetimeoffset(7) NOT NULL,
                CONSTRAINT [PK_applied_batches] PRIMARY KEY CLUSTERED ([pipeline], [target_schema], [target_table]))
            """);
    }

    [Fact]
    public void The_state_is_read_and_upserted_with_parameters_under_the_targets_lock()
    {
        SqlAppliedState.ReadSql.Should().Be(
            "SELECT [sequence], [snapshot_generation], [schema_fingerprint], [applied_at] FROM [_ingest].[applied_batches] " +
            "WHERE [pipeline] = @pipeline AND [target_schema] = @target_schema AND [target_table] = @target_table");
        SqlAppliedState.WriteSql.Should().Be("""
            UPDATE [_ingest].[applied_batches] SET [source_schema] = @source_schema, [source_table] = @source_table, [sequence] = @sequence,
                [snapshot_generation] = @snapshot_generation, [schema_fingerprint] = @schema_fingerprint, [schema_json] = @schema_json,
                [applied_at] = SYSDATETIMEOFFSET()
            WHERE [pipeline] = @pipeline AND [target_schema] = @target_schema AND [target_table] = @target_table;
            IF @@ROWCOUNT = 0
                INSERT INTO [_ingest].[applied_batches] ([pipeline], [target_schema], [target_table], [source_schema], [source_table], [sequence], [snapshot_generation], [schema_fingerprint], [schema_json], [applied_at])
                VALUES (@pipeline, @target_schema, @target_table, @source_schema, @source_table, @sequence, @snapshot_generation, @schema_fingerprint, @schema_json, SYSDATETIMEOFFSET());
            """);
        SqlAppliedState.LockSql.Should().Be(
            "DECLARE @result int; EXEC @result = sys.sp_getapplock @Resource = @resource, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = -1; SELECT @result;");
        SqlAppliedState.LockFailure(-3).Should().Contain("deadlock");
    }

    [Fact]
    public void The_schema_document_lists_keys_and_columns()
    {
        var layout = Layout(Simple(), scd: 2);

        var json = SqlAppliedState.SchemaJson(layout, layout.AllColumns);

        json.Should().Be("{\"sourceTable\":\"src.items\",\"scdType\":2,\"softDeletes\":false,\"keys\":[\"id\"],\"primaryKey\":[\"id\",\"__START_AT\"]," +
                         "\"columns\":[{\"name\":\"id\",\"type\":\"bigint\",\"logicalType\":\"Int64\"},{\"name\":\"name\",\"type\":\"nvarchar(max)\",\"logicalType\":\"String\"}," +
                         "{\"name\":\"amount\",\"type\":\"decimal(12,2)\",\"logicalType\":\"Decimal\"},{\"name\":\"__START_AT\",\"type\":\"datetimeoffset(7)\"},{\"name\":\"__END_AT\",\"type\":\"datetimeoffset(7)\"}]}");
    }

    private static DbDataReader ResultSet((string Name, Type Type)[] columns, params object?[][] rows)
    {
        var table = new DataTable();
        foreach (var (name, type) in columns) table.Columns.Add(new DataColumn(name, type) { AllowDBNull = true });
        foreach (var row in rows) table.Rows.Add(row.Select(v => v ?? DBNull.Value).ToArray());
        return table.CreateDataReader();
    }
}
