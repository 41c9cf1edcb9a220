using Cdc.Core.Model;
using Cdc.Core.Runs;

namespace Cdc.Core.Tests.Runs;

public sealed class KeyCursorTests
{
    [Fact]
    public void Every_key_type_round_trips_exactly()
    {
        var columns = new[]
        {
            new ColumnSchema("b", LogicalType.Boolean), new ColumnSchema("s", LogicalType.Int16), new ColumnSchema("i", LogicalType.Int32),
            new ColumnSchema("l", LogicalType.Int64), new ColumnSchema("f", LogicalType.Float32), new ColumnSchema("d", LogicalType.Float64),
            new ColumnSchema("n", LogicalType.Decimal), new ColumnSchema("t", LogicalType.String), new ColumnSchema("x", LogicalType.Binary),
            new ColumnSchema("u", LogicalType.Uuid), new ColumnSchema("dt", LogicalType.Date), new ColumnSchema("tm", LogicalType.Time),
            new ColumnSchema("ts", LogicalType.Timestamp), new ColumnSchema("tz", LogicalType.TimestampTz),
        };
        var schema = new TableSchema(new TableId("s", "t"), columns, columns.Select(c => c.Name).ToList());
        object?[] row =
        [
            true, short.MinValue, int.MaxValue, long.MinValue, -0.0f, double.Epsilon, Numeric.Parse("-12345678901234567890123456789.0123456789"),
            "a\"b'c😀", new byte[] { 0, 255, 7 }, Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), DateOnly.MaxValue, new TimeOnly(TimeOnly.MaxValue.Ticks),
            new DateTime(9999, 12, 31, 23, 59, 59).AddTicks(9_999_999), new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.FromHours(-12)),
        ];

        var decoded = KeyCursor.Decode(schema, KeyCursor.Encode(schema, row));

        decoded.Should().BeEquivalentTo(row, options => options.WithStrictOrdering());
        BitConverter.SingleToInt32Bits((float)decoded[4]!).Should().Be(BitConverter.SingleToInt32Bits(-0.0f));
        ((DateTimeOffset)decoded[13]!).Offset.Should().Be(TimeSpan.FromHours(-12));
    }

    [Fact]
    public void A_cursor_with_the_wrong_number_of_values_is_refused_naming_the_table()
    {
        var act = () => KeyCursor.Decode(FakeSource.Schema(), "[\"1\",\"2\"]");
        act.Should().Throw<FormatException>().WithMessage("*public.items*2 key values*");
    }
}
