using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Tests.Fixtures;

namespace Cdc.Core.Tests.Sources.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresDiscoveryTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Primary_key_columns_and_exact_types_are_discovered_in_attnum_order()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, """
            CREATE TABLE public.orders (
                id bigint PRIMARY KEY,
                amount numeric(12, 3) NOT NULL,
                code varchar(20),
                flag char(2),
                taken timestamp(3),
                due timestamptz,
                at time(0),
                dropped_later int,
                note text,
                doc jsonb,
                day date,
                raw bytea,
                ref uuid,
                ratio real,
                score double precision,
                small smallint,
                total numeric);
            ALTER TABLE public.orders DROP COLUMN dropped_later;
            """);
        var tables = await db.Connector().DiscoverAsync([SourceDatabase.Table("public", "orders")], CancellationToken.None);

        var table = tables.Should().ContainSingle().Subject;
        table.Table.Should().Be(new TableId("public", "orders"));
        table.KeyColumns.Should().Equal("id");
        table.Columns.Select(c => c.Name).Should().Equal("id", "amount", "code", "flag", "taken", "due", "at", "note", "doc", "day", "raw", "ref", "ratio", "score", "small", "total");
        table.Columns.Should().Satisfy(
            c => c.Name == "id" && c.Type == LogicalType.Int64 && !c.Nullable && c.SourceType == "bigint",
            c => c.Name == "amount" && c.Type == LogicalType.Decimal && c.Precision == 12 && c.Scale == 3 && !c.Nullable && c.SourceType == "numeric(12,3)",
            c => c.Name == "code" && c.Type == LogicalType.String && c.MaxLength == 20 && c.Nullable,
            c => c.Name == "flag" && c.Type == LogicalType.String && c.MaxLength == 2 && c.SourceType == "character(2)",
            c => c.Name == "taken" && c.Type == LogicalType.Timestamp && c.Precision == 3,
            c => c.Name == "due" && c.Type == LogicalType.TimestampTz && c.Precision == null,
            c => c.Name == "at" && c.Type == LogicalType.Time && c.Precision == 0,
            c => c.Name == "note" && c.Type == LogicalType.String && c.MaxLength == null,
            c => c.Name == "doc" && c.Type == LogicalType.Json,
            c => c.Name == "day" && c.Type == LogicalType.Date,
            c => c.Name == "raw" && c.Type == LogicalType.Binary,
            c => c.Name == "ref" && c.Type == LogicalType.Uuid,
            c => c.Name == "ratio" && c.Type == LogicalType.Float32,
            c => c.Name == "score" && c.Type == LogicalType.Float64,
            c => c.Name == "small" && c.Type == LogicalType.Int16,
            c => c.Name == "total" && c.Type == LogicalType.Decimal && c.Precision == null && c.Scale == null);
    }

    [Fact]
    public async Task Composite_primary_key_keeps_the_index_column_order()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture,
            "CREATE TABLE public.lines (a int, b text, c int, PRIMARY KEY (c, a))");
        var tables = await db.Connector().DiscoverAsync([SourceDatabase.Table("public", "lines")], CancellationToken.None);
        tables.Single().KeyColumns.Should().Equal("c", "a");
    }

    [Fact]
    public async Task Whole_schema_takes_tables_and_partitioned_tables_but_not_views_partitions_or_excluded_tables()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, """
            CREATE SCHEMA app;
            CREATE TABLE app.a (id int PRIMARY KEY);
            CREATE TABLE app.b (id int PRIMARY KEY);
            CREATE TABLE app.skip_me (id int PRIMARY KEY);
            CREATE VIEW app.v AS SELECT * FROM app.a;
            CREATE TABLE app.events (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
            CREATE TABLE app.events_2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            CREATE TABLE public.elsewhere (id int PRIMARY KEY);
            """);
        var tables = await db.Connector().DiscoverAsync([SourceDatabase.Schema("app", "skip_me")], CancellationToken.None);
        tables.Select(t => t.Table.Name).Should().Equal("a", "b", "events");
        tables.Single(t => t.Table.Name == "events").KeyColumns.Should().Equal("id", "at");
    }

    [Fact]
    public async Task Hostile_names_are_matched_exactly()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, """
            CREATE SCHEMA "My Schema";
            CREATE TABLE "My Schema"."Order Details" ("Key" int PRIMARY KEY, "select" text, "a""b" int, "Ünïcödé" text);
            CREATE TABLE "My Schema"."select" (id int PRIMARY KEY);
            CREATE TABLE "My Schema"."a""b" (id int PRIMARY KEY);
            CREATE TABLE "My Schema"."Ünïcödé" (id int PRIMARY KEY);
            CREATE TABLE "My Schema"."order details" (id int PRIMARY KEY);
            """);
        var connector = db.Connector();
        var tables = await connector.DiscoverAsync(
            [SourceDatabase.Table("My Schema", "Order Details"), SourceDatabase.Table("My Schema", "select"), SourceDatabase.Table("My Schema", "a\"b"), SourceDatabase.Table("My Schema", "Ünïcödé")],
            CancellationToken.None);
        tables.Select(t => t.Table.Name).Should().BeEquivalentTo("Order Details", "select", "a\"b", "Ünïcödé");
        tables.Single(t => t.Table.Name == "Order Details").Columns.Select(c => c.Name).Should().Equal("Key", "select", "a\"b", "Ünïcödé");

        var all = await connector.DiscoverAsync([SourceDatabase.Schema("My Schema", "order details")], CancellationToken.None);
        all.Select(t => t.Table.Name).Should().BeEquivalentTo("Order Details", "select", "a\"b", "Ünïcödé");
    }

    [Fact]
    public async Task Missing_tables_and_schemas_are_named()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.orders (id int PRIMARY KEY)");
        var connector = db.Connector();
        await connector.Invoking(c => c.DiscoverAsync([SourceDatabase.Table("public", "Orders")], CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage("*public.Orders*not found*");
        await connector.Invoking(c => c.DiscoverAsync([SourceDatabase.Schema("nowhere")], CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage("*\"nowhere\"*not found*");
    }

    [Fact]
    public async Task A_view_selected_by_name_is_refused()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY); CREATE VIEW public.v AS SELECT * FROM public.t");
        await db.Connector().Invoking(c => c.DiscoverAsync([SourceDatabase.Table("public", "v")], CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage("*public.v is a view*");
    }

    [Fact]
    public async Task Unsupported_types_are_refused_naming_table_column_and_type()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, """
            CREATE DOMAIN public.duration AS interval;
            CREATE TABLE public.t1 (id int PRIMARY KEY, tags text[]);
            CREATE TABLE public.t2 (id int PRIMARY KEY, spent public.duration);
            CREATE TABLE public.t3 (id int PRIMARY KEY, price money);
            """);
        var connector = db.Connector();
        await connector.Invoking(c => c.DiscoverAsync([SourceDatabase.Table("public", "t1")], CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage("*\"tags\"*public.t1*text[]*");
        await connector.Invoking(c => c.DiscoverAsync([SourceDatabase.Table("public", "t2")], CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage("*\"spent\"*public.t2*duration*interval*");
        var all = await connector.Invoking(c => c.DiscoverAsync([SourceDatabase.Schema("public")], CancellationToken.None))
            .Should().ThrowAsync<SourceException>();
        all.Which.Message.Should().Contain("t1").And.Contain("t2").And.Contain("money");
    }

    [Fact]
    public async Task Enums_domains_and_citext_like_types_are_strings_or_their_base_type()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, """
            CREATE TYPE public."Mood" AS ENUM ('sad', 'ok', 'happy');
            CREATE DOMAIN public.amount AS numeric(10, 2) CHECK (VALUE >= 0);
            CREATE TABLE public.t (id int PRIMARY KEY, mood public."Mood", paid public.amount, who name);
            """);
        var table = (await db.Connector().DiscoverAsync([SourceDatabase.Table("public", "t")], CancellationToken.None)).Single();
        table.Find("mood")!.Type.Should().Be(LogicalType.String);
        table.Find("mood")!.SourceType.Should().Be("\"Mood\"");
        table.Find("paid")!.Should().Match<ColumnSchema>(c => c.Type == LogicalType.Decimal && c.Precision == 10 && c.Scale == 2);
        table.Find("who")!.Type.Should().Be(LogicalType.String);
    }

    [Fact]
    public async Task Declared_key_other_than_the_primary_key_needs_replica_identity_full()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.\"Order Details\" (id int PRIMARY KEY, code text NOT NULL)");
        var connector = db.Connector();
        await connector.Invoking(c => c.DiscoverAsync([SourceDatabase.Table("public", "Order Details", "code")], CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage("*ALTER TABLE \"public\".\"Order Details\" REPLICA IDENTITY FULL*");

        await db.ExecuteAsync("ALTER TABLE public.\"Order Details\" REPLICA IDENTITY FULL");
        var tables = await connector.DiscoverAsync([SourceDatabase.Table("public", "Order Details", "code")], CancellationToken.None);
        tables.Single().KeyColumns.Should().Equal("code");
    }

    [Fact]
    public async Task Declared_key_naming_no_column_is_refused()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY)");
        await db.Connector().Invoking(c => c.DiscoverAsync([SourceDatabase.Table("public", "t", "ID")], CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage("*\"ID\"*public.t*");
    }

    [Fact]
    public async Task Table_without_primary_key_is_refused_with_both_fixes_until_it_has_a_replica_identity()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, """
            CREATE TABLE public.loose (a int NOT NULL, b text);
            CREATE TABLE public.indexed (a int NOT NULL, b text);
            CREATE UNIQUE INDEX indexed_a ON public.indexed (a);
            ALTER TABLE public.indexed REPLICA IDENTITY USING INDEX indexed_a;
            """);
        var connector = db.Connector();
        var refusal = await connector.Invoking(c => c.DiscoverAsync([SourceDatabase.Table("public", "loose")], CancellationToken.None))
            .Should().ThrowAsync<SourceException>();
        refusal.Which.Message.Should().Contain("ALTER TABLE \"public\".\"loose\" REPLICA IDENTITY FULL").And.Contain("keys:");

        (await connector.DiscoverAsync([SourceDatabase.Table("public", "indexed")], CancellationToken.None)).Single().KeyColumns.Should().Equal("a");

        await db.ExecuteAsync("ALTER TABLE public.loose REPLICA IDENTITY FULL");
        (await connector.DiscoverAsync([SourceDatabase.Table("public", "loose")], CancellationToken.None)).Single().KeyColumns.Should().Equal("a", "b");
        (await connector.DiscoverAsync([SourceDatabase.Table("public", "loose", "a")], CancellationToken.None)).Single().KeyColumns.Should().Equal("a");
    }

    [Fact]
    public async Task Generated_columns_are_left_out()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY, n int, twice int GENERATED ALWAYS AS (n * 2) STORED)");
        var table = (await db.Connector().DiscoverAsync([SourceDatabase.Table("public", "t")], CancellationToken.None)).Single();
        table.Columns.Select(c => c.Name).Should().Equal("id", "n");
    }
}
