using Cdc.Core.Model;
using Cdc.Core.Targets;
using Cdc.Core.Targets.Postgres;
using Cdc.Core.Tests.Fixtures;
using Npgsql;
using static Cdc.Core.Tests.Targets.Postgres.TargetTestKit;

namespace Cdc.Core.Tests.Targets.Postgres;

/// <summary>Every logical type written by a snapshot load and by a change apply, read back and compared. Temporal
/// values are compared with what PostgreSQL keeps: microseconds (rounded), and the instant of a timestamptz.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AllTypesRoundTripTests(PostgresFixture postgres)
{
    private static readonly TableSchema AllTypes = Schema("all_types",
    [
        new("id", LogicalType.Int32, Nullable: false),
        new("b", LogicalType.Boolean),
        new("i16", LogicalType.Int16),
        new("i32", LogicalType.Int32),
        new("i64", LogicalType.Int64),
        new("f32", LogicalType.Float32),
        new("f64", LogicalType.Float64),
        new("dec", LogicalType.Decimal, Precision: 38, Scale: 10),
        new("s", LogicalType.String),
        new("bin", LogicalType.Binary),
        new("u", LogicalType.Uuid),
        new("j", LogicalType.Json),
        new("d", LogicalType.Date),
        new("t", LogicalType.Time),
        new("ts", LogicalType.Timestamp),
        new("tstz", LogicalType.TimestampTz),
    ], "id");

    private static readonly object?[][] Values =
    [
        [1, true, (short)-32768, int.MinValue, long.MinValue, 1.5f, Math.PI, Dec("-1234567890123456789012345678.9012345678"), "héllo 'world' \"quoted\" \\ ✓",
            new byte[] { 0, 1, 2, 255 }, Guid.Parse("0b0e7f53-3b7c-4d8e-9a61-5f2e0c7d9a11"), "{\"b\": 1,  \"a\": [1, 2.50], \"b\": 2}",
            new DateOnly(2024, 2, 29), new TimeOnly(13, 45, 30).Add(TimeSpan.FromTicks(1_234_567)), new DateTime(2024, 2, 29, 13, 45, 30).AddTicks(1_234_565),
            new DateTimeOffset(2024, 2, 29, 13, 45, 30, TimeSpan.FromHours(5.5)).AddTicks(1_234_564)],
        [2, false, (short)32767, int.MaxValue, long.MaxValue, float.NaN, double.PositiveInfinity, Dec("0.0000000001"), "",
            Array.Empty<byte>(), Guid.Empty, "[]", DateOnly.MinValue, TimeOnly.MinValue, DateTime.MinValue, DateTimeOffset.MinValue],
        [3, true, (short)0, 0, 0L, float.NegativeInfinity, double.NaN, Dec("-12.3400"), "Ünïcödé 😀",
            new byte[] { 42 }, Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff"), "\"text\"", DateOnly.MaxValue, TimeOnly.MaxValue, DateTime.MaxValue, DateTimeOffset.MaxValue],
        [4, true, (short)1, 1, 1L, float.PositiveInfinity, double.NegativeInfinity, Dec("9999999999999999999999999999.9999999999"), "x",
            new byte[] { 1 }, Guid.NewGuid(), "{}", new DateOnly(1, 1, 1), new TimeOnly(0, 0, 0, 0, 1), new DateTime(9999, 12, 31), new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.FromHours(-8))],
        [5, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
    ];

    [Fact]
    public async Task Every_type_round_trips_through_a_snapshot_load()
    {
        var connection = await SharedDatabaseAsync(postgres);
        var flow = Flow(AllTypes);
        await using var writer = new PostgresTargetWriter(connection);

        var result = await LoadAsync(writer, flow, AllTypes, 1, Values.Select(v => Insert(T0, v)));

        result.Inserted.Should().Be(Values.Length);
        await AssertStoredAsync(connection, flow);
    }

    [Fact]
    public async Task Every_type_round_trips_through_inserts_and_updates()
    {
        var connection = await SharedDatabaseAsync(postgres);
        var flow = Flow(AllTypes);
        await using var writer = new PostgresTargetWriter(connection);
        // The first batch creates the table and inserts placeholder rows; the second updates them to the values.
        var placeholders = Values.Select(v => Insert(At(1), [v[0], .. new object?[v.Length - 1]])).ToArray();
        await ApplyAsync(writer, flow, AllTypes, 1, placeholders);

        var result = await ApplyAsync(writer, flow, AllTypes, 2, Values.Select(v => Update(At(2), v)).ToArray());

        result.Updated.Should().Be(Values.Length);
        await AssertStoredAsync(connection, flow);
    }

    [Fact]
    public async Task Edge_dates_are_stored_as_dates_not_infinity()
    {
        var connection = await SharedDatabaseAsync(postgres);
        var flow = Flow(AllTypes);
        await using var writer = new PostgresTargetWriter(connection);
        await LoadAsync(writer, flow, AllTypes, 1, Values.Select(v => Insert(T0, v)));

        var rows = await QueryAsync(connection, $"SELECT d::text, ts::text, tstz AT TIME ZONE 'UTC', t::text FROM {Q(flow)} WHERE id IN (2, 3) ORDER BY id");

        rows[0].Should().Equal("0001-01-01", "0001-01-01 00:00:00", new DateTime(1, 1, 1), "00:00:00");
        rows[1].Should().Equal("9999-12-31", "9999-12-31 23:59:59.999999", new DateTime(9999, 12, 31, 23, 59, 59).AddTicks(9_999_990), "23:59:59.999999");
    }

    [Fact]
    public async Task Numerics_of_38_and_60_digits_keep_every_digit_and_their_scale()
    {
        var schema = Schema("numbers", [new("id", LogicalType.Int32), new("n38", LogicalType.Decimal, Precision: 38, Scale: 0), new("free", LogicalType.Decimal), new("n104", LogicalType.Decimal, Precision: 10, Scale: 4)], "id");
        var connection = await SharedDatabaseAsync(postgres);
        var flow = Flow(schema);
        await using var writer = new PostgresTargetWriter(connection);
        var sixty = "123456789012345678901234567890123456789012345678901234567890";

        await LoadAsync(writer, flow, schema, 1,
        [
            Insert(T0, 1, Dec("12345678901234567890123456789012345678"), Dec(sixty), Dec("-12.3400")),
            Insert(T0, 2, Dec("-99999999999999999999999999999999999999"), Dec("-" + sixty[..30] + "." + sixty[30..]), Dec("1.5")),
            Insert(T0, 3, Dec("0"), Dec("-12.3400"), Dec("-0.0001")),
        ]);
        await ApplyAsync(writer, flow, schema, 2, Insert(At(1), 4, Dec("-12345678901234567890123456789012345678"), Dec("0." + sixty), Dec("999999.9999")));

        var rows = await QueryAsync(connection, $"SELECT n38::text, free::text, n104::text FROM {Q(flow)} ORDER BY id");
        rows.Select(r => r.Select(v => (string?)v)).Should().BeEquivalentTo(new[]
        {
            new[] { "12345678901234567890123456789012345678", sixty, "-12.3400" },
            new[] { "-99999999999999999999999999999999999999", "-" + sixty[..30] + "." + sixty[30..], "1.5000" },
            new[] { "0", "-12.3400", "-0.0001" },
            new[] { "-12345678901234567890123456789012345678", "0." + sixty, "999999.9999" },
        }, o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task A_decimal_too_large_for_its_column_names_table_column_and_key()
    {
        var schema = Schema("numbers", [new("id", LogicalType.Int32), new("n", LogicalType.Decimal, Precision: 5, Scale: 2)], "id");
        var connection = await SharedDatabaseAsync(postgres);
        await using var writer = new PostgresTargetWriter(connection);

        var act = () => LoadAsync(writer, Flow(schema), schema, 1, [Insert(T0, 1, Dec("1.00")), Insert(T0, 7, Dec("1234.5"))]);

        (await act.Should().ThrowAsync<TargetValueException>())
            .WithMessage("*\"n\"*\"numbers\"*id=7*4 digits before the point*numeric(5,2)*");
    }

    private static async Task AssertStoredAsync(string connectionString, IngestFlow flow)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT *, dec::text FROM {Q(flow)} ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var index = 0;
        while (await reader.ReadAsync())
        {
            var expected = Values[index++];
            reader.GetInt32(0).Should().Be((int)expected[0]!);
            for (var i = 1; i < expected.Length; i++)
            {
                var column = AllTypes.Columns[i];
                if (expected[i] is null)
                {
                    reader.IsDBNull(i).Should().BeTrue($"{column.Name} of row {expected[0]} is NULL");
                    continue;
                }
                if (column.Type == LogicalType.Decimal)
                {
                    // numeric(38,10) shows ten decimals; the value, not the notation, must survive.
                    Numeric.Parse(reader.GetString(reader.FieldCount - 1)).CompareTo((Numeric)expected[i]!).Should().Be(0, $"dec of row {expected[0]} round-trips");
                    continue;
                }
                object actual = column.Type switch
                {
                    LogicalType.Json => reader.GetString(i),
                    LogicalType.Date => reader.GetFieldValue<DateOnly>(i),
                    LogicalType.Time => reader.GetFieldValue<TimeOnly>(i),
                    LogicalType.Timestamp => reader.GetFieldValue<DateTime>(i),
                    LogicalType.TimestampTz => reader.GetFieldValue<DateTimeOffset>(i),
                    _ => reader.GetValue(i),
                };
                var wanted = column.Type switch
                {
                    LogicalType.Time => PgTemporalBinary.StoredTime((TimeOnly)expected[i]!),
                    LogicalType.Timestamp => PgTemporalBinary.StoredTimestamp((DateTime)expected[i]!),
                    LogicalType.TimestampTz => PgTemporalBinary.StoredTimestampTz((DateTimeOffset)expected[i]!),
                    _ => expected[i],
                };
                actual.Should().BeEquivalentTo(wanted, o => o.RespectingRuntimeTypes(), $"{column.Name} of row {expected[0]} round-trips");
            }
        }
        index.Should().Be(Values.Length);
    }
}
