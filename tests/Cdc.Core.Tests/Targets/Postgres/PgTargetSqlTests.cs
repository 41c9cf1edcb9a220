using Cdc.Core.Model;
using Cdc.Core.Targets.Postgres;
using static Cdc.Core.Tests.Targets.Postgres.TargetTestKit;

namespace Cdc.Core.Tests.Targets.Postgres;

public sealed class PgTargetSqlTests
{
    private static readonly TableSchema Hostile = Schema("a\"b", [new("select", LogicalType.Int32), new("Ünïcödé \"x\"", LogicalType.String)], "select");

    [Fact]
    public void Quotes_every_identifier()
    {
        var sql = PgTargetSql.CreateTable("my schema", "Order Details", TargetTableLayout.For(Flow(Hostile), Hostile).AllColumns);

        sql.Should().Be("CREATE TABLE \"my schema\".\"Order Details\" (\"select\" integer, \"Ünïcödé \"\"x\"\"\" text)");
    }

    [Fact]
    public void The_upsert_matches_keys_through_positional_stage_columns()
    {
        var stage = new StageTable(TargetTableLayout.For(Flow(Hostile), Hostile), [false, false]);

        var sql = PgTargetSql.Scd1Upsert("s", "a\"b", stage, softDeletes: false);

        sql.Should().Contain("INSERT INTO \"s\".\"a\"\"b\" AS t (\"select\", \"Ünïcödé \"\"x\"\"\") SELECT s.c0, s.c1 FROM pg_temp.\"__ingest_stage\"");
        sql.Should().Contain("ON CONFLICT (\"select\") DO UPDATE SET \"Ünïcödé \"\"x\"\"\" = EXCLUDED.\"Ünïcödé \"\"x\"\"\"");
    }

    [Fact]
    public void The_stage_has_flags_only_for_columns_that_need_them()
    {
        var stage = new StageTable(TargetTableLayout.For(Flow(Hostile), Hostile), [false, true]);

        stage.CreateSql().Should().Be("CREATE TEMP TABLE \"__ingest_stage\" (c0 integer, c1 text, u1 boolean NOT NULL, del boolean NOT NULL, commit_at timestamptz NOT NULL, seq integer NOT NULL) ON COMMIT DROP");
    }

    [Fact]
    public void Long_names_are_shortened_deterministically_within_63_bytes()
    {
        var name = new string('é', 40);

        var shadow = PgNames.Shadow(name);

        System.Text.Encoding.UTF8.GetByteCount(shadow).Should().BeLessThanOrEqualTo(63);
        shadow.Should().Be(PgNames.Shadow(name)).And.NotBe(PgNames.Shadow(new string('é', 39) + "e"));
        PgNames.Shadow("orders").Should().Be("orders__ingest_new");
    }

    [Fact]
    public void Names_that_postgres_would_truncate_are_refused()
    {
        var schema = Schema("t", [new(new string('x', 64), LogicalType.Int32)]);

        var act = () => TargetTableLayout.For(Flow(schema), schema);

        act.Should().Throw<ArgumentException>().WithMessage("*64 bytes*63*");
    }

    [Fact]
    public void Source_columns_may_not_take_bookkeeping_names()
    {
        var schema = Schema("t", [new("id", LogicalType.Int32), new("__START_AT", LogicalType.TimestampTz)], "id");

        var act = () => TargetTableLayout.For(Flow(schema, scd: 2), schema);

        act.Should().Throw<ArgumentException>().WithMessage("*__START_AT*");
    }
}
