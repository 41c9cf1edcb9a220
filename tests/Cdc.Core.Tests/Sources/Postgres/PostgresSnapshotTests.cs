using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Tests.Fixtures;

namespace Cdc.Core.Tests.Sources.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSnapshotTests(PostgresFixture fixture)
{
    private static async Task<List<object?[]>> ReadAsync(ISourceConnector connector, TableSchema table, object?[]? afterKey, int maxRows)
    {
        var rows = new List<object?[]>();
        await foreach (var row in connector.ReadSnapshotChunkAsync(table, afterKey, maxRows, CancellationToken.None)) rows.Add(row);
        return rows;
    }

    private static object?[] KeyOf(TableSchema table, object?[] row) => table.KeyOrdinals.Select(o => row[o]).ToArray();

    [Fact]
    public async Task Chunks_come_in_key_order_and_resume_after_the_cursor()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture,
            "CREATE TABLE public.t (id int PRIMARY KEY, name text); INSERT INTO public.t SELECT i, 'n' || i FROM generate_series(10, 1, -1) AS i");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        var table = tables.Single();
        await connector.BeginSnapshotAsync(table, resumeFrom: null, CancellationToken.None);

        var first = await ReadAsync(connector, table, null, 4);
        first.Select(r => r[0]).Should().Equal(1, 2, 3, 4);
        first[0].Should().Equal(1, "n1");
        var second = await ReadAsync(connector, table, KeyOf(table, first[^1]), 4);
        second.Select(r => r[0]).Should().Equal(5, 6, 7, 8);
        var third = await ReadAsync(connector, table, KeyOf(table, second[^1]), 4);
        third.Select(r => r[0]).Should().Equal(9, 10);
        (await ReadAsync(connector, table, KeyOf(table, third[^1]), 4)).Should().BeEmpty();
        await connector.EndSnapshotAsync(table, CancellationToken.None);
    }

    [Fact]
    public async Task Composite_keys_page_lexicographically()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, """
            CREATE TABLE public.t (a int, b text, v int, PRIMARY KEY (a, b));
            INSERT INTO public.t VALUES (2, 'x', 1), (1, 'b', 2), (1, 'a', 3), (2, 'a', 4), (3, 'a', 5), (1, 'c', 6);
            """);
        var connector = db.Connector();
        var table = (await connector.DiscoverAsync([SourceDatabase.Table("public", "t")], CancellationToken.None)).Single();

        var keys = new List<(int, string)>();
        object?[]? after = null;
        while (true)
        {
            var chunk = await ReadAsync(connector, table, after, 2);
            keys.AddRange(chunk.Select(r => ((int)r[0]!, (string)r[1]!)));
            if (chunk.Count < 2) break;
            after = KeyOf(table, chunk[^1]);
        }
        keys.Should().Equal((1, "a"), (1, "b"), (1, "c"), (2, "a"), (2, "x"), (3, "a"));
    }

    [Fact]
    public async Task Keys_of_every_orderable_type_page_through_typed_parameters()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, """
            CREATE TYPE public.level AS ENUM ('low', 'mid', 'high');
            CREATE TABLE public.t (
                n numeric(12, 3), ts timestamptz, u uuid, by bytea, d date, lv public.level, c varchar(10), f float8, tm time, lt timestamp, jb jsonb, b bool, v int,
                PRIMARY KEY (n, ts, u, by, d, lv, c, f, tm, lt, jb, b));
            INSERT INTO public.t
            SELECT (i % 3)::numeric / 7, '2024-01-01'::timestamptz + (i % 2) * interval '1 microsecond', md5((i % 2)::text)::uuid, decode(lpad(to_hex(i % 2), 2, '0'), 'hex'),
                   '2024-01-01'::date + i % 2, (ARRAY['high', 'low', 'mid'])[1 + i % 3]::public.level, chr(65 + i % 2), (i % 2) / 3.0, '12:00'::time + (i % 2) * interval '1 microsecond',
                   '2024-01-01'::timestamp + (i % 2) * interval '1 microsecond', jsonb_build_object('k', i), i % 2 = 0, i
            FROM generate_series(1, 40) AS i;
            """);
        var connector = db.Connector();
        var table = (await connector.DiscoverAsync([SourceDatabase.Table("public", "t")], CancellationToken.None)).Single();
        var expected = await db.ScalarAsync<int[]>("SELECT array_agg(v ORDER BY n, ts, u, by, d, lv, c, f, tm, lt, jb, b) FROM public.t");

        var seen = new List<int>();
        object?[]? after = null;
        while (true)
        {
            var chunk = await ReadAsync(connector, table, after, 3);
            seen.AddRange(chunk.Select(r => (int)r[table.IndexOf("v")]!));
            if (chunk.Count < 3) break;
            after = KeyOf(table, chunk[^1]);
        }
        seen.Should().Equal(expected);
    }

    [Fact]
    public async Task Keys_read_as_text_still_page_in_their_own_order()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture,
            "CREATE TABLE public.t (n numeric PRIMARY KEY); INSERT INTO public.t VALUES (100), (9), (10), (-1), (2.5), (-10)");
        var connector = db.Connector();
        var table = (await connector.DiscoverAsync([SourceDatabase.Table("public", "t")], CancellationToken.None)).Single();
        var seen = new List<string>();
        object?[]? after = null;
        while (true)
        {
            var chunk = await ReadAsync(connector, table, after, 2);
            seen.AddRange(chunk.Select(r => r[0]!.ToString()!));
            if (chunk.Count < 2) break;
            after = KeyOf(table, chunk[^1]);
        }
        seen.Should().Equal("-10", "-1", "2.5", "9", "10", "100");
    }

    [Fact]
    public async Task Nullable_declared_keys_page_without_losing_rows()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, """
            CREATE TABLE public.t (a int, b int, v text);
            ALTER TABLE public.t REPLICA IDENTITY FULL;
            INSERT INTO public.t VALUES (1, NULL, 'p'), (1, 1, 'q'), (NULL, 1, 'r'), (NULL, NULL, 's'), (2, 2, 't'), (NULL, 3, 'u');
            """);
        var connector = db.Connector();
        var table = (await connector.DiscoverAsync([SourceDatabase.Table("public", "t", "a", "b")], CancellationToken.None)).Single();

        var values = new List<string>();
        object?[]? after = null;
        for (var i = 0; i < 10; i++)
        {
            var chunk = await ReadAsync(connector, table, after, 1);
            if (chunk.Count == 0) break;
            values.Add((string)chunk[0][2]!);
            after = KeyOf(table, chunk[0]);
        }
        values.Should().Equal("q", "p", "t", "r", "u", "s");
    }

    [Fact]
    public async Task Hostile_identifiers_are_quoted_everywhere()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, """
            CREATE SCHEMA "we""ird";
            CREATE TABLE "we""ird"."Order Details" ("select" int, "a""b" text, "Ünïcödé" text, PRIMARY KEY ("a""b", "select"));
            INSERT INTO "we""ird"."Order Details" VALUES (1, 'x', 'ü'), (2, 'x', 'ö'), (1, 'y', 'ä');
            """);
        var connector = db.Connector();
        var table = (await connector.DiscoverAsync([SourceDatabase.Table("we\"ird", "Order Details")], CancellationToken.None)).Single();
        var first = await ReadAsync(connector, table, null, 2);
        first.Should().HaveCount(2);
        first[0].Should().Equal(1, "x", "ü");
        var rest = await ReadAsync(connector, table, KeyOf(table, first[^1]), 2);
        rest.Should().ContainSingle().Which.Should().Equal(1, "y", "ä");
    }

    [Fact]
    public async Task Every_supported_type_reads_exactly_including_edge_values()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, """
            CREATE TYPE public.mood AS ENUM ('sad', 'happy');
            CREATE DOMAIN public.positive AS numeric(20, 4) CHECK (VALUE > 0);
            CREATE TABLE public.t (
                id int PRIMARY KEY, b bool, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, n numeric, n2 numeric(38, 10),
                s text, vc varchar(5), ch char(4), nm name, js json, jb jsonb, by bytea, u uuid, d date, tm time, ts timestamp, tz timestamptz,
                e public.mood, dom public.positive);
            INSERT INTO public.t VALUES
                (1, true, -32768, -2147483648, -9223372036854775808, 3.4028235e38, 1.7976931348623157e308,
                 '-123456789012345678901234567890.123456789012345678901234567890', '1234567890123456789012345678.0123456789',
                 'a''b "c" ü 😀', 'abcde', 'ab', 'nm', '{"a": [1, 2, {"b": null}]}', '{"b": 1, "a": [true]}', '\x00ff10',
                 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '0001-01-01', '23:59:59.999999', '9999-12-31 23:59:59.999999',
                 '0001-01-01 00:00:00+00', 'happy', 0.0001),
                (2, false, 32767, 2147483647, 9223372036854775807, 'NaN', '-Infinity', '0.000', '0', '', '', '', '', 'null', '[]', '\x',
                 '00000000-0000-0000-0000-000000000000', '9999-12-31', '00:00:00', '0001-01-01 00:00:00', '2024-02-29 12:34:56.789012+05:30',
                 'sad', 9999999999999999.9999),
                (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
            """);
        var connector = db.Connector();
        var table = (await connector.DiscoverAsync([SourceDatabase.Table("public", "t")], CancellationToken.None)).Single();
        var rows = await ReadAsync(connector, table, null, 10);
        rows.Should().HaveCount(3);

        var first = rows[0];
        first.Should().BeEquivalentTo(new object?[]
        {
            1, true, short.MinValue, int.MinValue, long.MinValue, float.MaxValue, double.MaxValue,
            Numeric.Parse("-123456789012345678901234567890.123456789012345678901234567890"), Numeric.Parse("1234567890123456789012345678.0123456789"),
            "a'b \"c\" ü 😀", "abcde", "ab  ", "nm", "{\"a\": [1, 2, {\"b\": null}]}", "{\"a\": [true], \"b\": 1}", new byte[] { 0, 255, 16 },
            Guid.Parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), new DateOnly(1, 1, 1), new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9_999_990)),
            new DateTime(9999, 12, 31, 23, 59, 59).AddTicks(9_999_990), new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero), "happy", Numeric.Parse("0.0001"),
        }, options => options.WithStrictOrdering());
        ((DateTime)first[19]!).Kind.Should().Be(DateTimeKind.Unspecified);
        ((DateTimeOffset)first[20]!).Offset.Should().Be(TimeSpan.Zero);

        var second = rows[1];
        float.IsNaN((float)second[5]!).Should().BeTrue();
        second[6].Should().Be(double.NegativeInfinity);
        second[7].Should().Be(Numeric.Parse("0.000"));
        ((Numeric)second[7]!).Scale.Should().Be(3);
        second[9].Should().Be("");
        second[13].Should().Be("null");
        second[15].Should().BeEquivalentTo(Array.Empty<byte>());
        second[19].Should().Be(new DateTime(1, 1, 1));
        second[20].Should().Be(new DateTimeOffset(2024, 2, 29, 7, 4, 56, TimeSpan.Zero).AddTicks(7_890_120));
        second[22].Should().Be(Numeric.Parse("9999999999999999.9999"));

        rows[2].Skip(1).Should().AllSatisfy(v => v.Should().BeNull());
        rows.Should().AllSatisfy(r => r.Select((v, i) => v is null || v.GetType() == LogicalTypeClr.ClrTypeOf(table.Columns[i].Type)).Should().AllBeEquivalentTo(true));
    }

    [Theory]
    [InlineData("timestamp", "'infinity'")]
    [InlineData("date", "'-infinity'")]
    [InlineData("numeric", "'NaN'")]
    public async Task Values_without_an_exact_clr_value_fail_naming_table_column_and_key(string type, string value)
    {
        await using var db = await SourceDatabase.CreateAsync(fixture,
            $"CREATE TABLE public.t (id int PRIMARY KEY, v {type}); INSERT INTO public.t VALUES (1, NULL), (42, {value})");
        var connector = db.Connector();
        var table = (await connector.DiscoverAsync([SourceDatabase.Table("public", "t")], CancellationToken.None)).Single();
        await FluentActions.Invoking(() => ReadAsync(connector, table, null, 10))
            .Should().ThrowAsync<SourceException>().WithMessage("*\"v\"*public.t*id=42*");
    }

    [Fact]
    public async Task Exported_snapshot_hides_rows_inserted_after_the_slot_was_created()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture,
            "CREATE TABLE public.t (id int PRIMARY KEY, v text); INSERT INTO public.t SELECT i, 'before' FROM generate_series(1, 5) AS i");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        var table = tables.Single();
        await db.ExecuteAsync("INSERT INTO public.t VALUES (6, 'after'); UPDATE public.t SET v = 'changed' WHERE id = 1; DELETE FROM public.t WHERE id = 2");

        var start = await connector.BeginSnapshotAsync(table, resumeFrom: null, CancellationToken.None);
        var firstChunk = await ReadAsync(connector, table, null, 3);
        var rest = await ReadAsync(connector, table, KeyOf(table, firstChunk[^1]), 100);
        await connector.EndSnapshotAsync(table, CancellationToken.None);

        firstChunk.Concat(rest).Select(r => ((int)r[0]!, (string)r[1]!)).Should().Equal((1, "before"), (2, "before"), (3, "before"), (4, "before"), (5, "before"));

        var sink = new RecordingSink();
        await connector.CaptureChangesAsync(tables, start, sink, CancellationToken.None);
        sink.Changes.Select(c => (c.Row.Kind, c.Row.Values[0])).Should().Equal((ChangeKind.Insert, 6), (ChangeKind.Update, 1), (ChangeKind.Delete, 2));
    }

    [Fact]
    public async Task Exported_snapshot_is_kept_until_every_table_has_ended_its_snapshot()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture,
            "CREATE TABLE public.a (id int PRIMARY KEY); CREATE TABLE public.b (id int PRIMARY KEY); INSERT INTO public.a VALUES (1); INSERT INTO public.b VALUES (1)");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Schema("public"));
        await db.ExecuteAsync("INSERT INTO public.a VALUES (2); INSERT INTO public.b VALUES (2)");
        var (a, b) = (tables.Single(t => t.Table.Name == "a"), tables.Single(t => t.Table.Name == "b"));

        var startA = await connector.BeginSnapshotAsync(a, resumeFrom: null, CancellationToken.None);
        (await ReadAsync(connector, a, null, 10)).Should().HaveCount(1);
        await connector.EndSnapshotAsync(a, CancellationToken.None);

        var startB = await connector.BeginSnapshotAsync(b, resumeFrom: null, CancellationToken.None);
        startB.Should().Be(startA);
        (await ReadAsync(connector, b, null, 10)).Should().HaveCount(1, "the second table still reads the slot's exported snapshot");
        await connector.EndSnapshotAsync(b, CancellationToken.None);

        var later = await connector.BeginSnapshotAsync(a, resumeFrom: null, CancellationToken.None);
        connector.ComparePositions(later, startA).Should().BeGreaterThanOrEqualTo(0);
        (await ReadAsync(connector, a, null, 10)).Should().HaveCount(2, "once released, snapshots read current data");
    }

    [Fact]
    public async Task Without_a_new_slot_the_snapshot_starts_at_the_confirmed_position_and_reads_current_data()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY)");
        var (first, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        await first.DisposeAsync();
        await db.ExecuteAsync("INSERT INTO public.t VALUES (1)");

        var (connector, _) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));
        var start = await connector.BeginSnapshotAsync(tables.Single(), resumeFrom: "0/1", CancellationToken.None);
        start.Should().Be(await connector.GetResumePositionAsync(CancellationToken.None));
        (await ReadAsync(connector, tables.Single(), null, 10)).Should().ContainSingle().Which.Should().Equal(1);
    }
}
