using Cdc.Core.Model;
using Cdc.Core.Targets.SqlServer;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

/// <summary>The exact T-SQL of the DDL, swap and SCD 1 statements.</summary>
public sealed class SqlTargetSqlTests
{
    private static readonly TableSchema Items = Simple();

    [Fact]
    public void Creates_an_scd1_table_with_its_clustered_key_and_explicit_nullability()
    {
        var sql = SqlTargetSql.CreateTable(Layout(Items), "items", primaryKey: true);

        sql.Should().Be("CREATE TABLE [dbo].[items] ([id] bigint NOT NULL, [name] nvarchar(max) NULL, [amount] decimal(12,2) NULL, " +
                        "CONSTRAINT [items__ingest_pk] PRIMARY KEY CLUSTERED ([id]))");
    }

    [Fact]
    public void Creates_a_soft_delete_table_with_deleted_at()
    {
        var sql = SqlTargetSql.CreateTable(Layout(Items, softDeletes: true), "items", primaryKey: true);

        sql.Should().Be("CREATE TABLE [dbo].[items] ([id] bigint NOT NULL, [name] nvarchar(max) NULL, [amount] decimal(12,2) NULL, " +
                        "[__DELETED_AT] datetimeoffset(7) NULL, CONSTRAINT [items__ingest_pk] PRIMARY KEY CLUSTERED ([id]))");
    }

    [Fact]
    public void Creates_an_scd2_table_keyed_by_source_key_and_start_at()
    {
        var sql = SqlTargetSql.CreateTable(Layout(Items, scd: 2), "items", primaryKey: true);

        sql.Should().Be("CREATE TABLE [dbo].[items] ([id] bigint NOT NULL, [name] nvarchar(max) NULL, [amount] decimal(12,2) NULL, " +
                        "[__START_AT] datetimeoffset(7) NOT NULL, [__END_AT] datetimeoffset(7) NULL, " +
                        "CONSTRAINT [items__ingest_pk] PRIMARY KEY CLUSTERED ([id], [__START_AT]))");
    }

    [Fact]
    public void The_load_table_gets_its_key_after_the_rows()
    {
        var layout = Layout(Items);
        var load = SqlTargetNames.LoadTable("items");

        var create = SqlTargetSql.CreateTable(layout, load, primaryKey: false);
        var key = SqlTargetSql.AddPrimaryKey("dbo", load, SqlTargetNames.PrimaryKey(load), layout.PrimaryKey);

        create.Should().Be("CREATE TABLE [dbo].[items__ingest_load] ([id] bigint NOT NULL, [name] nvarchar(max) NULL, [amount] decimal(12,2) NULL)");
        key.Should().Be("ALTER TABLE [dbo].[items__ingest_load] ADD CONSTRAINT [items__ingest_load__ingest_pk] PRIMARY KEY CLUSTERED ([id])");
    }

    [Fact]
    public void The_swap_drops_the_old_table_and_renames_the_new_one_and_its_key()
    {
        var swap = SqlTargetSql.Swap("dbo", "items", hasPrimaryKey: true);

        swap.Should().Equal(
            "IF OBJECT_ID(N'[dbo].[items]', N'U') IS NOT NULL DROP TABLE [dbo].[items]",
            "EXEC sys.sp_rename @objname = N'[dbo].[items__ingest_load]', @newname = N'items', @objtype = N'OBJECT'",
            "EXEC sys.sp_rename @objname = N'[dbo].[items__ingest_load__ingest_pk]', @newname = N'items__ingest_pk', @objtype = N'OBJECT'");
        SqlTargetSql.Swap("dbo", "logs", hasPrimaryKey: false).Should().HaveCount(2);
    }

    [Fact]
    public void Hostile_names_are_quoted_as_identifiers_and_as_literals()
    {
        var schema = Schema("we]ird name", [new("select", LogicalType.Int32), new("Ünïcödé ]x[", LogicalType.String)], "select");
        var layout = SqlTargetLayout.For(Flow(schema, "it's]", "O'Brien]x"), schema);

        var create = SqlTargetSql.CreateTable(layout, "O'Brien]x", primaryKey: true);
        var swap = SqlTargetSql.Swap("it's]", "O'Brien]x", hasPrimaryKey: true);
        var createSchema = SqlTargetSql.CreateSchema("it's]");

        create.Should().Be("CREATE TABLE [it's]]].[O'Brien]]x] ([select] int NOT NULL, [Ünïcödé ]]x[] nvarchar(max) NULL, CONSTRAINT [O'Brien]]x__ingest_pk] PRIMARY KEY CLUSTERED ([select]))");
        swap.Should().Equal(
            "IF OBJECT_ID(N'[it''s]]].[O''Brien]]x]', N'U') IS NOT NULL DROP TABLE [it's]]].[O'Brien]]x]",
            "EXEC sys.sp_rename @objname = N'[it''s]]].[O''Brien]]x__ingest_load]', @newname = N'O''Brien]x', @objtype = N'OBJECT'",
            "EXEC sys.sp_rename @objname = N'[it''s]]].[O''Brien]]x__ingest_load__ingest_pk]', @newname = N'O''Brien]x__ingest_pk', @objtype = N'OBJECT'");
        createSchema.Should().Be("IF SCHEMA_ID(N'it''s]') IS NULL EXEC(N'CREATE SCHEMA [it''s]]]')");
    }

    [Fact]
    public void Schema_evolution_adds_nullable_columns_and_restates_nullability_when_widening()
    {
        SqlTargetSql.AddColumn("dbo", "items", new SqlTargetColumn("note", SqlColumnType.NVarChar(200)))
            .Should().Be("ALTER TABLE [dbo].[items] ADD [note] nvarchar(200) NULL");
        SqlTargetSql.AlterColumn("dbo", "items", "qty", SqlColumnType.BigInt)
            .Should().Be("ALTER TABLE [dbo].[items] ALTER COLUMN [qty] bigint NULL");
    }

    [Fact]
    public void Scd1_statements_delete_update_then_insert_through_positional_stage_columns()
    {
        var layout = Layout(Items);
        var stage = new SqlStageTable(layout, [false, false, false]);

        SqlTargetSql.Scd1Delete(layout, stage).Should().Be(
            "DELETE t FROM [dbo].[items] AS t JOIN #ingest_stage AS s ON t.[id] = s.c0 WHERE s.del = 1");
        SqlTargetSql.Scd1Update(layout, stage).Should().Be(
            "UPDATE t SET [name] = s.c1, [amount] = s.c2 FROM [dbo].[items] AS t JOIN #ingest_stage AS s ON t.[id] = s.c0 WHERE s.del = 0");
        SqlTargetSql.Scd1Insert(layout, stage).Should().Be(
            "INSERT INTO [dbo].[items] ([id], [name], [amount]) SELECT s.c0, s.c1, s.c2 FROM #ingest_stage AS s " +
            "WHERE s.del = 0 AND NOT EXISTS (SELECT 1 FROM [dbo].[items] AS t WHERE t.[id] = s.c0)");
    }

    [Fact]
    public void Soft_deletes_mark_once_and_an_upsert_clears_the_mark()
    {
        var layout = Layout(Items, softDeletes: true);
        var stage = new SqlStageTable(layout, [false, false, false]);

        SqlTargetSql.Scd1SoftDelete(layout, stage).Should().Be(
            "UPDATE t SET [__DELETED_AT] = s.commit_at FROM [dbo].[items] AS t JOIN #ingest_stage AS s ON t.[id] = s.c0 WHERE s.del = 1 AND t.[__DELETED_AT] IS NULL");
        SqlTargetSql.Scd1Update(layout, stage).Should().Be(
            "UPDATE t SET [name] = s.c1, [amount] = s.c2, [__DELETED_AT] = NULL FROM [dbo].[items] AS t JOIN #ingest_stage AS s ON t.[id] = s.c0 WHERE s.del = 0");
    }

    [Fact]
    public void A_table_of_key_columns_only_still_counts_updated_rows()
    {
        var keys = Schema("pairs", [new("a", LogicalType.Int32), new("b", LogicalType.Int32)], "a", "b");
        var layout = Layout(keys);
        var stage = new SqlStageTable(layout, [false, false]);

        SqlTargetSql.Scd1Update(layout, stage).Should().Be(
            "UPDATE t SET [a] = t.[a] FROM [dbo].[pairs] AS t JOIN #ingest_stage AS s ON t.[a] = s.c0 AND t.[b] = s.c1 WHERE s.del = 0");
    }

    [Fact]
    public void Unchanged_values_are_resolved_from_the_target_row()
    {
        var stage = new SqlStageTable(Layout(Items), [false, true, true]);
        var history = new SqlStageTable(Layout(Items, scd: 2), [false, true, false]);

        SqlTargetSql.ResolveUnchanged(stage.Layout, stage, currentVersionOnly: false).Should().Be(
            "UPDATE s SET c1 = CASE WHEN s.u1 = 1 THEN t.[name] ELSE s.c1 END, c2 = CASE WHEN s.u2 = 1 THEN t.[amount] ELSE s.c2 END " +
            "FROM #ingest_stage AS s JOIN [dbo].[items] AS t ON t.[id] = s.c0 WHERE s.del = 0 AND (s.u1 = 1 OR s.u2 = 1)");
        SqlTargetSql.ResolveUnchanged(history.Layout, history, currentVersionOnly: true).Should().Be(
            "UPDATE s SET c1 = CASE WHEN s.u1 = 1 THEN t.[name] ELSE s.c1 END " +
            "FROM #ingest_stage AS s JOIN [dbo].[items] AS t ON t.[id] = s.c0 WHERE s.del = 0 AND (s.u1 = 1) AND t.[__END_AT] IS NULL");
    }

    [Fact]
    public void Long_names_are_shortened_deterministically_within_128_characters()
    {
        var name = new string('é', 125);

        var load = SqlTargetNames.LoadTable(name);

        load.Length.Should().BeLessThanOrEqualTo(128);
        load.Should().Be(SqlTargetNames.LoadTable(name)).And.NotBe(SqlTargetNames.LoadTable(new string('é', 124) + "e"));
        SqlTargetNames.LoadTable("orders").Should().Be("orders__ingest_load");
        var emoji = SqlTargetNames.Fit(string.Concat(Enumerable.Repeat("😀", 70)));
        System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(emoji)).Should().Be(emoji, "a surrogate pair is never cut in half");
        emoji.Length.Should().BeLessThanOrEqualTo(128);
    }

    [Fact]
    public void The_lock_resource_is_a_stable_hash_of_schema_and_table()
    {
        var a = SqlTargetNames.TargetLockResource("dbo", "items");

        a.Should().MatchRegex("^ingest:target:[0-9a-f]{32}$");
        a.Should().Be(SqlTargetNames.TargetLockResource("dbo", "items"));
        a.Should().NotBe(SqlTargetNames.TargetLockResource("dbo.items", ""));
        SqlTargetNames.TargetLockResource(new string('x', 128), new string('y', 128)).Length.Should().BeLessThanOrEqualTo(255);
    }
}
