using System.Diagnostics;
using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Tests.Fixtures;
using Npgsql;

namespace Cdc.Core.Tests.Sources.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresCaptureTests(PostgresFixture fixture)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    private static async Task<(RecordingSink Sink, string? Position)> CaptureAsync(Cdc.Core.Sources.Postgres.PostgresSourceConnector connector, IReadOnlyList<TableSchema> tables, string? from = null)
    {
        using var limit = new CancellationTokenSource(Limit);
        var sink = new RecordingSink();
        var position = await connector.CaptureChangesAsync(tables, from, sink, limit.Token);
        return (sink, position);
    }

    private static (ChangeKind, object?[]) Change((TableSchema Schema, ChangeRow Row) change) => (change.Row.Kind, change.Row.Values);

    [Fact]
    public async Task Inserts_updates_and_deletes_arrive_as_rows_with_commit_positions_and_times()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY, v text)");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await db.ExecuteAsync("INSERT INTO public.t VALUES (1, 'a'), (2, 'b')");
        await db.ExecuteAsync("UPDATE public.t SET v = 'c' WHERE id = 1");
        await db.ExecuteAsync("DELETE FROM public.t WHERE id = 2");

        var (sink, position) = await CaptureAsync(connector, tables);

        sink.Changes.Select(Change).Should().BeEquivalentTo(new (ChangeKind, object?[])[]
        {
            (ChangeKind.Insert, [1, "a"]),
            (ChangeKind.Insert, [2, "b"]),
            (ChangeKind.Update, [1, "c"]),
            (ChangeKind.Delete, [2, Unchanged.Value]),
        }, o => o.WithStrictOrdering());
        sink.Changes.Should().AllSatisfy(c => c.Schema.Should().Be(tables.Single()));
        sink.Changes.Should().AllSatisfy(c => c.Row.CommitTime.Should().BeOnOrAfter(before).And.BeOnOrBefore(DateTimeOffset.UtcNow));
        sink.Transactions.Select(t => t.Count).Should().Equal(2, 1, 1);
        sink.Announced.Should().Equal(sink.Commits);
        sink.Commits.Should().BeInAscendingOrder(Comparer<string>.Create(connector.ComparePositions));
        sink.Commits.Distinct().Should().HaveCount(3);
        connector.ComparePositions(position!, sink.Commits[^1]).Should().BeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task A_key_change_becomes_a_delete_of_the_old_key_and_an_insert_of_the_new_row()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (a int, b text, v text, PRIMARY KEY (a, b))");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        await db.ExecuteAsync("INSERT INTO public.t VALUES (1, 'x', 'v1')");
        await db.ExecuteAsync("UPDATE public.t SET b = 'y', v = 'v2' WHERE a = 1");

        var (sink, _) = await CaptureAsync(connector, tables);

        sink.Changes.Select(Change).Should().BeEquivalentTo(new (ChangeKind, object?[])[]
        {
            (ChangeKind.Insert, [1, "x", "v1"]),
            (ChangeKind.Delete, [1, "x", Unchanged.Value]),
            (ChangeKind.Insert, [1, "y", "v2"]),
        }, o => o.WithStrictOrdering());
        sink.Transactions.Select(t => t.Count).Should().Equal(1, 2);
    }

    [Fact]
    public async Task Unchanged_toast_values_are_marked_unchanged_and_filled_in_when_the_key_moves()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY, big text, n int)");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        var big = RandomText(20_000);
        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO public.t VALUES (1, $1, 0)", connection);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = big });
            await insert.ExecuteNonQueryAsync();
        }
        (await db.ScalarAsync<int>("SELECT pg_column_size(big) FROM public.t")).Should().BeGreaterThan(8000, "the value must be stored out of line");
        await db.ExecuteAsync("UPDATE public.t SET n = 1 WHERE id = 1");
        await db.ExecuteAsync("UPDATE public.t SET id = 2, n = 2 WHERE id = 1");

        var (sink, _) = await CaptureAsync(connector, tables);

        sink.Changes.Select(Change).Should().BeEquivalentTo(new (ChangeKind, object?[])[]
        {
            (ChangeKind.Insert, [1, big, 0]),
            (ChangeKind.Update, [1, Unchanged.Value, 1]),
            (ChangeKind.Delete, [1, Unchanged.Value, Unchanged.Value]),
            (ChangeKind.Insert, [2, big, 2]),
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Transactions_come_in_commit_order_with_increasing_positions()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY, v int)");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        await using (var first = new NpgsqlConnection(db.ConnectionString))
        await using (var second = new NpgsqlConnection(db.ConnectionString))
        {
            await first.OpenAsync();
            await second.OpenAsync();
            await using var early = await first.BeginTransactionAsync();
            await new NpgsqlCommand("INSERT INTO public.t VALUES (1, 1)", first, early).ExecuteNonQueryAsync();
            await new NpgsqlCommand("INSERT INTO public.t VALUES (2, 2)", second).ExecuteNonQueryAsync();
            await new NpgsqlCommand("INSERT INTO public.t VALUES (3, 3)", first, early).ExecuteNonQueryAsync();
            await early.CommitAsync();
        }
        for (var i = 4; i <= 6; i++) await db.ExecuteAsync($"INSERT INTO public.t VALUES ({i}, {i})");

        var (sink, _) = await CaptureAsync(connector, tables);

        sink.Transactions.Select(t => t.Select(c => (int)c.Row.Values[0]!).ToList()).Should().BeEquivalentTo(
            new List<List<int>> { new() { 2 }, new() { 1, 3 }, new() { 4 }, new() { 5 }, new() { 6 } }, o => o.WithStrictOrdering());
        sink.Commits.Should().BeInAscendingOrder(Comparer<string>.Create(connector.ComparePositions)).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task An_added_column_yields_a_new_schema_with_the_same_keys()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY, v text)");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        await db.ExecuteAsync("INSERT INTO public.t VALUES (1, 'a')");
        await db.ExecuteAsync("ALTER TABLE public.t ADD COLUMN amount numeric(10, 2) NOT NULL DEFAULT 0");
        await db.ExecuteAsync("INSERT INTO public.t VALUES (2, 'b', 12.50)");

        var (sink, _) = await CaptureAsync(connector, tables);

        sink.Changes.Should().HaveCount(2);
        sink.Changes[0].Schema.Should().Be(tables.Single());
        var changed = sink.Changes[1].Schema;
        changed.Should().NotBe(tables.Single());
        changed.KeyColumns.Should().Equal("id");
        changed.Columns.Select(c => c.Name).Should().Equal("id", "v", "amount");
        changed.Find("amount")!.Should().Match<ColumnSchema>(c => c.Type == LogicalType.Decimal && c.Precision == 10 && c.Scale == 2 && !c.Nullable && c.SourceType == "numeric(10,2)");
        sink.Changes[1].Row.Values.Should().Equal(2, "b", Numeric.Parse("12.50"));
    }

    [Fact]
    public async Task Changes_of_partitions_arrive_as_their_partitioned_table()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, """
            CREATE TABLE public.events (id int, at date, v text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
            CREATE TABLE public.events_2023 PARTITION OF public.events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
            CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            """);
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Schema("public"));
        tables.Select(t => t.Table.Name).Should().Equal("events");
        await db.ExecuteAsync("INSERT INTO public.events VALUES (1, '2023-05-01', 'a'), (2, '2024-05-01', 'b'); DELETE FROM public.events WHERE id = 1");

        var (sink, _) = await CaptureAsync(connector, tables);

        sink.Changes.Should().AllSatisfy(c => c.Schema.Table.Name.Should().Be("events"));
        sink.Changes.Select(Change).Should().BeEquivalentTo(new (ChangeKind, object?[])[]
        {
            (ChangeKind.Insert, [1, new DateOnly(2023, 5, 1), "a"]),
            (ChangeKind.Insert, [2, new DateOnly(2024, 5, 1), "b"]),
            (ChangeKind.Delete, [1, new DateOnly(2023, 5, 1), Unchanged.Value]),
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Only_the_given_tables_are_emitted()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture,
            "CREATE TABLE public.a (id int PRIMARY KEY); CREATE TABLE public.b (id int PRIMARY KEY); CREATE TABLE public.c (id int PRIMARY KEY)");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "a"), SourceDatabase.Table("public", "b"));
        await db.ExecuteAsync("INSERT INTO public.a VALUES (1); INSERT INTO public.b VALUES (2); INSERT INTO public.c VALUES (3)");
        await db.ExecuteAsync("INSERT INTO public.b VALUES (4)");

        var (sink, _) = await CaptureAsync(connector, tables.Where(t => t.Table.Name == "a").ToList());

        sink.Changes.Should().ContainSingle().Which.Row.Values.Should().Equal(1);
        sink.Commits.Should().ContainSingle();
    }

    [Fact]
    public async Task Unacknowledged_changes_come_again_and_acknowledged_ones_do_not()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY)");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        await db.ExecuteAsync("INSERT INTO public.t VALUES (1)");
        await db.ExecuteAsync("INSERT INTO public.t VALUES (2)");

        var (first, firstEnd) = await CaptureAsync(connector, tables);
        var (again, _) = await CaptureAsync(connector, tables);
        again.Changes.Select(c => c.Row.Values[0]).Should().Equal(first.Changes.Select(c => c.Row.Values[0])).And.Equal(1, 2);
        again.Commits.Should().Equal(first.Commits);

        await connector.AcknowledgeAsync(first.Commits[0], CancellationToken.None);
        (await connector.GetResumePositionAsync(CancellationToken.None)).Should().Be(first.Commits[0]);
        var (afterFirst, _) = await CaptureAsync(connector, tables);
        afterFirst.Changes.Select(c => c.Row.Values[0]).Should().Equal(2);

        await connector.AcknowledgeAsync(firstEnd!, CancellationToken.None);
        await db.ExecuteAsync("INSERT INTO public.t VALUES (3)");
        var (newer, _) = await CaptureAsync(connector, tables);
        newer.Changes.Select(c => c.Row.Values[0]).Should().Equal(3);
    }

    [Fact]
    public async Task Acknowledge_never_moves_the_slot_backwards()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY)");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        await db.ExecuteAsync("INSERT INTO public.t VALUES (1)");
        await db.ExecuteAsync("INSERT INTO public.t VALUES (2)");
        var (sink, _) = await CaptureAsync(connector, tables);

        await connector.AcknowledgeAsync(sink.Commits[1], CancellationToken.None);
        await connector.AcknowledgeAsync(sink.Commits[0], CancellationToken.None);
        (await connector.GetResumePositionAsync(CancellationToken.None)).Should().Be(sink.Commits[1]);
    }

    [Fact]
    public async Task Capture_with_nothing_new_returns_without_changes()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY); CREATE TABLE public.other (id int)");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        await db.ExecuteAsync("INSERT INTO public.other SELECT generate_series(1, 1000)");

        var watch = Stopwatch.StartNew();
        var (sink, position) = await CaptureAsync(connector, tables);
        var (sink2, position2) = await CaptureAsync(connector, tables, position);

        sink.Changes.Should().BeEmpty();
        sink2.Changes.Should().BeEmpty();
        position.Should().NotBeNull();
        connector.ComparePositions(position2!, position!).Should().BeGreaterThanOrEqualTo(0);
        watch.Elapsed.Should().BeLessThan(Limit, "an idle capture returns once the server reports it has passed the end");
    }

    [Fact]
    public async Task Truncate_of_a_captured_table_asks_for_a_full_refresh()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY)");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        await db.ExecuteAsync("INSERT INTO public.t VALUES (1)");
        await db.ExecuteAsync("TRUNCATE public.t");

        var sink = new RecordingSink();
        await connector.Invoking(c => c.CaptureChangesAsync(tables, null, sink, CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage("*public.t*truncated*full*refresh*");
        sink.Changes.Should().ContainSingle("the transaction before the truncate is handed over");
    }

    [Fact]
    public async Task Replica_identity_full_tables_with_declared_keys_delete_by_those_keys()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture,
            "CREATE TABLE public.t (code text NOT NULL, v int); ALTER TABLE public.t REPLICA IDENTITY FULL");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t", "code"));
        await db.ExecuteAsync("INSERT INTO public.t VALUES ('x', 1)");
        await db.ExecuteAsync("UPDATE public.t SET v = 2");
        await db.ExecuteAsync("UPDATE public.t SET code = 'y'");
        await db.ExecuteAsync("DELETE FROM public.t");

        var (sink, _) = await CaptureAsync(connector, tables);

        sink.Changes.Select(Change).Should().BeEquivalentTo(new (ChangeKind, object?[])[]
        {
            (ChangeKind.Insert, ["x", 1]),
            (ChangeKind.Update, ["x", 2]),
            (ChangeKind.Delete, ["x", Unchanged.Value]),
            (ChangeKind.Insert, ["y", 2]),
            (ChangeKind.Delete, ["y", Unchanged.Value]),
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Captured_values_equal_snapshot_values_for_every_supported_type()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, """"
            CREATE TYPE public.mood AS ENUM ('sad', 'happy');
            CREATE TABLE "public"."Odd ""Name""" (
                id int PRIMARY KEY, b bool, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, n numeric, n2 numeric(38, 10),
                s text, vc varchar(5), ch char(4), js json, jb jsonb, by bytea, u uuid, d date, tm time, ts timestamp, tz timestamptz, e public.mood);
            """");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "Odd \"Name\""));
        var table = tables.Single();
        await db.ExecuteAsync(""""
            INSERT INTO "public"."Odd ""Name""" VALUES
                (1, true, -32768, -2147483648, -9223372036854775808, 3.4028235e38, 0.1,
                 '-123456789012345678901234567890.123456789012345678901234567890', '1234567890123456789012345678.0123456789',
                 E'a''b "c" ü 😀 \\ tab\t', 'abcde', 'ab', '{"a": [1, 2, {"b": null}]}', '{"b": 1, "a": [true]}', '\x00ff105c',
                 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '0001-01-01', '23:59:59.999999', '9999-12-31 23:59:59.999999',
                 '0001-01-01 00:00:00+00', 'happy'),
                (2, false, 32767, 2147483647, 9223372036854775807, 'NaN', '-Infinity', '0.000', '0', '', '', '', 'null', '[]', '\x',
                 '00000000-0000-0000-0000-000000000000', '9999-12-31', '00:00:00', '0001-01-01 00:00:00', '2024-02-29 12:34:56.789012+05:30', 'sad'),
                (3, NULL, NULL, NULL, NULL, 1.17549435e-38, 2.2250738585072014e-308, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            """");

        var (sink, _) = await CaptureAsync(connector, tables);
        var snapshot = new List<object?[]>();
        await foreach (var row in connector.ReadSnapshotChunkAsync(table, null, 10, CancellationToken.None)) snapshot.Add(row);

        sink.Changes.Should().HaveCount(3).And.AllSatisfy(c => c.Row.Kind.Should().Be(ChangeKind.Insert));
        for (var i = 0; i < 3; i++)
            sink.Changes[i].Row.Values.Should().BeEquivalentTo(snapshot[i], o => o.WithStrictOrdering(), $"row {i + 1} must round-trip alike");
        sink.Changes.Should().AllSatisfy(c => c.Row.Values.Select((v, i) => v is null || v.GetType() == LogicalTypeClr.ClrTypeOf(table.Columns[i].Type)).Should().AllBeEquivalentTo(true));
    }

    [Fact]
    public async Task Citext_enum_and_domain_columns_capture_like_their_snapshot()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture);
        // citext ships with PostgreSQL's contrib modules; a server without them still checks enums and domains.
        var citext = await db.ScalarAsync<long>("SELECT count(*) FROM pg_available_extensions WHERE name = 'citext'") > 0;
        if (citext) await db.ExecuteAsync("CREATE EXTENSION citext");
        await db.ExecuteAsync($"""
            CREATE TYPE public."Colour" AS ENUM ('red', 'green');
            CREATE DOMAIN public.code AS varchar(8) CHECK (VALUE <> '');
            CREATE TABLE public.t (k {(citext ? "citext" : "text")} PRIMARY KEY, c public."Colour", d public.code);
            """);
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        var table = tables.Single();
        table.Columns.Should().AllSatisfy(c => c.Type.Should().Be(LogicalType.String));
        table.Find("d")!.MaxLength.Should().Be(8);
        await db.ExecuteAsync("INSERT INTO public.t VALUES ('MiXeD', 'green', 'abc'), ('lower', 'red', 'x')");

        var (sink, _) = await CaptureAsync(connector, tables);
        var snapshot = new List<object?[]>();
        await foreach (var row in connector.ReadSnapshotChunkAsync(table, null, 1, CancellationToken.None)) snapshot.Add(row);
        await foreach (var row in connector.ReadSnapshotChunkAsync(table, [snapshot[0][0]], 5, CancellationToken.None)) snapshot.Add(row);

        sink.Changes.Select(c => c.Row.Values).Should().BeEquivalentTo(snapshot);
        snapshot.Should().HaveCount(2);
        snapshot.Select(r => r[0]).Should().Equal(citext ? ["lower", "MiXeD"] : ["MiXeD", "lower"], "citext orders without regard to case");
    }

    [Fact]
    public async Task Capture_does_not_depend_on_the_database_output_settings()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY, d date, tz timestamptz, by bytea, f float8)");
        var database = await db.ScalarAsync<string>("SELECT current_database()");
        await db.ExecuteAsync($"""
            ALTER DATABASE "{database}" SET DateStyle = 'SQL, DMY';
            ALTER DATABASE "{database}" SET TimeZone = 'Asia/Kolkata';
            ALTER DATABASE "{database}" SET bytea_output = 'escape';
            ALTER DATABASE "{database}" SET extra_float_digits = -15;
            """);
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        await db.ExecuteAsync("INSERT INTO public.t VALUES (1, '2024-03-02', '2024-03-02 10:00:00+00', '\\x00ff', 0.1)");

        var (sink, _) = await CaptureAsync(connector, tables);

        sink.Changes.Should().ContainSingle().Which.Row.Values.Should().BeEquivalentTo(
            new object?[] { 1, new DateOnly(2024, 3, 2), new DateTimeOffset(2024, 3, 2, 10, 0, 0, TimeSpan.Zero), new byte[] { 0, 255 }, 0.1 },
            o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Changes_of_values_without_a_clr_counterpart_fail_naming_the_column()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY, at timestamp)");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        await db.ExecuteAsync("INSERT INTO public.t VALUES (1, 'infinity')");
        await connector.Invoking(c => c.CaptureChangesAsync(tables, null, new RecordingSink(), CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage("*\"at\"*public.t*infinity*");
    }

    [Fact]
    public void Positions_compare_as_wal_locations()
    {
        var connector = new Cdc.Core.Sources.Postgres.PostgresSourceConnector("Host=localhost", "slot", "pub", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        connector.ComparePositions("0/10", "0/9").Should().BePositive();
        connector.ComparePositions("1/0", "0/FFFFFFFF").Should().BePositive();
        connector.ComparePositions("16/B374D848", "16/B374D848").Should().Be(0);
        connector.ComparePositions("0/1", "0/2").Should().BeNegative();
        connector.Invoking(c => c.ComparePositions("nope", "0/1")).Should().Throw<FormatException>().WithMessage("*nope*");
    }

    private static string RandomText(int length)
    {
        var random = new Random(42);
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[r.Next(alphabet.Length)];
        });
    }
}
