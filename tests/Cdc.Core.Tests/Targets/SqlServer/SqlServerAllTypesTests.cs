using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Cdc.Core.Targets;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Data.SqlClient;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

/// <summary>Every logical type, and every SQL Server type the SQL Server source describes, written by a snapshot load and
/// by a change apply, read back and compared.</summary>
[Collection(SqlServerCollection.Name)]
public sealed class SqlServerAllTypesTests(SqlServerFixture sqlServer)
{
    private static readonly TableSchema Logical = Schema("logical_types",
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

    private static readonly object?[][] LogicalValues =
    [
        [1, true, (short)-32768, int.MinValue, long.MinValue, 1.5f, Math.PI, Dec("-1234567890123456789012345678.9012345678"), "héllo 'world' \"quoted\" ] \\ ✓ 😀 a\0b",
            new byte[] { 0, 1, 2, 255 }, Guid.Parse("0b0e7f53-3b7c-4d8e-9a61-5f2e0c7d9a11"), "{\"b\": 1,  \"a\": [1, 2.50], \"b\": 2}",
            new DateOnly(2024, 2, 29), new TimeOnly(13, 45, 30).Add(TimeSpan.FromTicks(1_234_567)), new DateTime(2024, 2, 29, 13, 45, 30).AddTicks(1_234_565),
            new DateTimeOffset(2024, 2, 29, 13, 45, 30, TimeSpan.FromHours(5.5)).AddTicks(1_234_564)],
        [2, false, (short)32767, int.MaxValue, long.MaxValue, float.MaxValue, double.MinValue, Dec("0.0000000001"), "",
            Array.Empty<byte>(), Guid.Empty, "[]", DateOnly.MinValue, TimeOnly.MinValue, DateTime.MinValue, DateTimeOffset.MinValue],
        [3, true, (short)0, 0, 0L, -0f, 2.3e-308, Dec("-12.3400"), "Ünïcödé",
            new byte[] { 42 }, Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff"), "\"text\"", DateOnly.MaxValue, TimeOnly.MaxValue, DateTime.MaxValue, DateTimeOffset.MaxValue],
        [4, true, (short)1, 1, 1L, 1.2e-38f, 1e300, Dec("9999999999999999999999999999.9999999999"), "x",
            new byte[] { 1 }, Guid.NewGuid(), "{}", new DateOnly(1, 1, 1), new TimeOnly(0, 0, 0, 0, 1), new DateTime(9999, 12, 31), new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.FromHours(-8))],
        [5, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
    ];

    /// <summary>Columns as the SQL Server source describes them, a value for each, and how to read it back.</summary>
    private static readonly (ColumnSchema Column, object? Value, string ReadBack, object? Expected)[] SourceColumns =
    [
        (new("tiny", LogicalType.Int16, SourceType: "tinyint"), (short)255, "[tiny]", (byte)255),
        (new("cash", LogicalType.Decimal, Precision: 19, Scale: 4, SourceType: "money"), Dec("922337203685477.5807"), "CONVERT(nvarchar(40), [cash], 2)", "922337203685477.5807"),
        (new("small_cash", LogicalType.Decimal, Precision: 10, Scale: 4, SourceType: "smallmoney"), Dec("-214748.3648"), "CONVERT(nvarchar(40), [small_cash], 2)", "-214748.3648"),
        (new("narrow", LogicalType.Decimal, Precision: 5, Scale: 2, SourceType: "numeric(5,2)"), Dec("-123.45"), "CAST([narrow] AS nvarchar(20))", "-123.45"),
        (new("legacy", LogicalType.Timestamp, Precision: 3, SourceType: "datetime"), new DateTime(2024, 2, 29, 13, 45, 30, 3), "[legacy]", new DateTime(2024, 2, 29, 13, 45, 30, 3)),
        (new("small_moment", LogicalType.Timestamp, Precision: 0, SourceType: "smalldatetime"), new DateTime(2024, 2, 29, 13, 45, 0), "[small_moment]", new DateTime(2024, 2, 29, 13, 45, 0)),
        (new("moment3", LogicalType.Timestamp, Precision: 3, SourceType: "datetime2(3)"), new DateTime(2024, 2, 29, 13, 45, 30, 123), "CONVERT(nvarchar(40), [moment3], 121)", "2024-02-29 13:45:30.123"),
        (new("last", LogicalType.Timestamp, Precision: 7, SourceType: "datetime2(7)"), DateTime.MaxValue, "CONVERT(nvarchar(40), [last], 121)", "9999-12-31 23:59:59.9999999"),
        (new("time3", LogicalType.Time, Precision: 3, SourceType: "time(3)"), new TimeOnly(13, 45, 30, 123), "[time3]", new TimeSpan(0, 13, 45, 30, 123)),
        (new("offset0", LogicalType.TimestampTz, Precision: 0, SourceType: "datetimeoffset(0)"), new DateTimeOffset(2024, 2, 29, 13, 45, 30, TimeSpan.FromHours(5.5)), "CONVERT(nvarchar(40), [offset0], 121)", "2024-02-29 13:45:30 +05:30"),
        (new("fixed", LogicalType.String, MaxLength: 5, SourceType: "char(5)"), "abcde", "[fixed]", "abcde"),
        (new("ansi", LogicalType.String, MaxLength: 10, SourceType: "varchar(10)"), "héllo", "[ansi]", "héllo"),
        (new("wide", LogicalType.String, MaxLength: 3, SourceType: "nchar(3)"), "ñ😀", "[wide]", "ñ😀"),
        (new("name", LogicalType.String, MaxLength: 128, SourceType: "nvarchar(128)"), "dbo", "[name]", "dbo"),
        (new("memo", LogicalType.String, SourceType: "text"), "an old text column", "[memo]", "an old text column"),
        (new("bin4", LogicalType.Binary, MaxLength: 4, SourceType: "binary(4)"), new byte[] { 1, 2, 3, 4 }, "[bin4]", new byte[] { 1, 2, 3, 4 }),
        (new("picture", LogicalType.Binary, SourceType: "image"), new byte[] { 9, 8, 7 }, "[picture]", new byte[] { 9, 8, 7 }),
        (new("version", LogicalType.Binary, MaxLength: 8, SourceType: "rowversion"), new byte[] { 0, 0, 0, 0, 0, 0, 7, 209 }, "[version]", new byte[] { 0, 0, 0, 0, 0, 0, 7, 209 }),
        (new("ratio", LogicalType.Float64, SourceType: "float"), 1.5e300, "[ratio]", 1.5e300),
        (new("small_ratio", LogicalType.Float32, SourceType: "real"), 3.25f, "[small_ratio]", 3.25f),
        (new("doc", LogicalType.String, SourceType: "xml"), "<a b=\"1\"><c/></a>", "CAST([doc] AS nvarchar(max))", "<a b=\"1\"><c /></a>"),
        (new("node", LogicalType.String, SourceType: "hierarchyid"), "/1/2.5/3/", "t.[node].ToString()", "/1/2.5/3/"),
        (new("spot", LogicalType.String, SourceType: "geography"), "SRID=4326;POINT (1 2)", "CONCAT(t.[spot].STSrid, N';', t.[spot].STAsText())", "4326;POINT (1 2)"),
        (new("shape", LogicalType.String, SourceType: "geometry"), "SRID=0;POLYGON ((0 0, 1 0, 1 1, 0 0))", "CONCAT(t.[shape].STSrid, N';', t.[shape].STAsText())", "0;POLYGON ((0 0, 1 0, 1 1, 0 0))"),
        (new("any_time", LogicalType.Json, SourceType: "sql_variant"), "{\"type\":\"datetime2(3)\",\"value\":\"2024-02-29 13:45:30.123\"}",
            "CONCAT(CAST(SQL_VARIANT_PROPERTY([any_time], 'BaseType') AS nvarchar(20)), N'(', CAST(SQL_VARIANT_PROPERTY([any_time], 'Scale') AS nvarchar(5)), N') ', CONVERT(nvarchar(40), CAST([any_time] AS datetime2(3)), 121))",
            "datetime2(3) 2024-02-29 13:45:30.123"),
        (new("any_money", LogicalType.Json, SourceType: "sql_variant"), "{\"type\":\"money\",\"value\":\"12.3400\"}",
            "CONCAT(CAST(SQL_VARIANT_PROPERTY([any_money], 'BaseType') AS nvarchar(20)), N' ', CONVERT(nvarchar(40), CAST([any_money] AS money), 2))", "money 12.3400"),
        (new("any_text", LogicalType.Json, SourceType: "sql_variant"), "{\"type\":\"varchar(20)\",\"value\":\"abc\"}",
            "CONCAT(CAST(SQL_VARIANT_PROPERTY([any_text], 'BaseType') AS nvarchar(20)), N'(', CAST(SQL_VARIANT_PROPERTY([any_text], 'MaxLength') AS nvarchar(5)), N') ', CAST([any_text] AS nvarchar(40)))",
            "varchar(20) abc"),
    ];

    private static readonly TableSchema Source = Schema("source_types", [new("id", LogicalType.Int32, Nullable: false, SourceType: "int"), .. SourceColumns.Select(c => c.Column)], "id");

    [SqlServerFact]
    public async Task Every_logical_type_round_trips_through_a_snapshot_load()
    {
        var connection = await SharedDatabaseAsync(sqlServer);
        var flow = Flow(Logical);
        await using var writer = Writer(connection);

        var result = await LoadAsync(writer, flow, Logical, 1, LogicalValues.Select(v => Insert(T0, v)));

        result.Inserted.Should().Be(LogicalValues.Length);
        await AssertLogicalStoredAsync(connection, flow);
    }

    [SqlServerFact]
    public async Task Every_logical_type_round_trips_through_inserts_and_updates()
    {
        var connection = await SharedDatabaseAsync(sqlServer);
        var flow = Flow(Logical);
        await using var writer = Writer(connection);
        // The first batch creates the table and inserts placeholder rows; the second updates them to the values.
        await ApplyAsync(writer, flow, Logical, 1, LogicalValues.Select(v => Insert(At(1), [v[0], .. new object?[v.Length - 1]])).ToArray());

        var result = await ApplyAsync(writer, flow, Logical, 2, LogicalValues.Select(v => Update(At(2), v)).ToArray());

        result.Updated.Should().Be(LogicalValues.Length);
        await AssertLogicalStoredAsync(connection, flow);
    }

    [SqlServerFact]
    public async Task Sql_server_source_types_round_trip_through_a_snapshot_and_through_changes()
    {
        var connection = await SharedDatabaseAsync(sqlServer);
        await using var writer = Writer(connection);
        var loaded = Flow(Source);
        var changed = Flow(Source);
        object?[] row = [1, .. SourceColumns.Select(c => c.Value)];

        await LoadAsync(writer, loaded, Source, 1, [Insert(T0, row), Insert(T0, [2, .. new object?[SourceColumns.Length]])]);
        await ApplyAsync(writer, changed, Source, 1, Insert(At(1), [1, .. new object?[SourceColumns.Length]]));
        await ApplyAsync(writer, changed, Source, 2, Update(At(2), row));

        foreach (var flow in new[] { loaded, changed })
        {
            (await ColumnsAsync(connection, flow)).Select(c => c.Type).Skip(1).Should().Equal(
                "tinyint", "money", "smallmoney", "numeric(5,2)", "datetime", "smalldatetime", "datetime2(3)", "datetime2(7)", "time(3)", "datetimeoffset(0)",
                "char(5)", "varchar(10)", "nchar(3)", "nvarchar(128)", "nvarchar(max)", "binary(4)", "varbinary(max)", "binary(8)", "float", "real",
                "xml", "hierarchyid", "geography", "geometry", "sql_variant", "sql_variant", "sql_variant");
            var stored = (await QueryAsync(connection, $"SELECT {string.Join(", ", SourceColumns.Select(c => c.ReadBack))} FROM {Q(flow)} AS t WHERE id = 1")).Single();
            for (var i = 0; i < SourceColumns.Length; i++)
                stored[i].Should().BeEquivalentTo(SourceColumns[i].Expected, o => o.RespectingRuntimeTypes(), $"{SourceColumns[i].Column.Name} ({SourceColumns[i].Column.SourceType}) round-trips in {flow.TargetSchema}");
        }
        (await QueryAsync(connection, $"SELECT * FROM {Q(loaded)} WHERE id = 2")).Single().Skip(1).Should().OnlyContain(v => v == null);
    }

    [SqlServerFact]
    public async Task A_decimal_too_large_for_its_column_names_table_column_and_key()
    {
        var schema = Schema("numbers", [new("id", LogicalType.Int32), new("n", LogicalType.Decimal, Precision: 5, Scale: 2)], "id");
        var connection = await SharedDatabaseAsync(sqlServer);
        await using var writer = Writer(connection);
        var flow = Flow(schema);

        var act = () => LoadAsync(writer, flow, schema, 1, [Insert(T0, 1, Dec("1.00")), Insert(T0, 7, Dec("1234.5"))]);

        (await act.Should().ThrowAsync<Cdc.Core.Targets.TargetValueException>())
            .WithMessage($"Cannot write column \"n\" of {Q(flow)} for the row with key (id=7): 1234.5 has 4 digits before the point; decimal(5,2) holds at most 3.");
    }

    private static async Task AssertLogicalStoredAsync(string connectionString, IngestFlow flow)
    {
        await using var connection = new SqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new SqlCommand($"SELECT * FROM {Q(flow)} ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var index = 0;
        while (await reader.ReadAsync())
        {
            var expected = LogicalValues[index++];
            reader.GetInt32(0).Should().Be((int)expected[0]!);
            for (var i = 1; i < expected.Length; i++)
            {
                var column = Logical.Columns[i];
                if (expected[i] is null)
                {
                    reader.IsDBNull(i).Should().BeTrue($"{column.Name} of row {expected[0]} is NULL");
                    continue;
                }
                object actual = column.Type switch
                {
                    LogicalType.Decimal => Numeric.Parse(reader.GetSqlDecimal(i).ToString()),
                    LogicalType.Int16 => reader.GetInt16(i),
                    LogicalType.Float32 => reader.GetFloat(i),
                    LogicalType.Date => DateOnly.FromDateTime(reader.GetDateTime(i)),
                    LogicalType.Time => TimeOnly.FromTimeSpan(reader.GetTimeSpan(i)),
                    LogicalType.Timestamp => reader.GetDateTime(i),
                    LogicalType.TimestampTz => reader.GetDateTimeOffset(i),
                    _ => reader.GetValue(i),
                };
                if (column.Type == LogicalType.Decimal)
                {
                    ((Numeric)actual).CompareTo((Numeric)expected[i]!).Should().Be(0, $"dec of row {expected[0]} round-trips");
                    continue;
                }
                if (column.Type == LogicalType.TimestampTz)
                {
                    var (got, want) = ((DateTimeOffset)actual, (DateTimeOffset)expected[i]!);
                    (got.Ticks, got.Offset).Should().Be((want.Ticks, want.Offset), $"tstz of row {expected[0]} keeps its instant and offset");
                    continue;
                }
                actual.Should().BeEquivalentTo(expected[i], o => o.RespectingRuntimeTypes(), $"{column.Name} of row {expected[0]} round-trips");
            }
        }
        index.Should().Be(LogicalValues.Length);
    }
}
