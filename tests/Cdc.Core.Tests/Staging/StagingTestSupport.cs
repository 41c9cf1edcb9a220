using System.Collections.Concurrent;
using System.Numerics;
using Cdc.Core.Model;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Tests.Staging;

/// <summary>A temporary folder removed with everything in it on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("ingest-staging-test-").FullName;

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Keeps every log entry so tests can check what was reported.</summary>
public sealed class CapturingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, EventId EventId, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId, formatter(state, exception)));
}

/// <summary>A table with one column of every logical type, and edge values for each.</summary>
public static class EdgeValues
{
    public static readonly TableId Table = new("sales", "every type");

    public static TableSchema Schema { get; } = new(Table, [
        new ColumnSchema("id", LogicalType.Int64, Nullable: false),
        new ColumnSchema("flag", LogicalType.Boolean),
        new ColumnSchema("small", LogicalType.Int16),
        new ColumnSchema("medium", LogicalType.Int32),
        new ColumnSchema("big", LogicalType.Int64),
        new ColumnSchema("single", LogicalType.Float32),
        new ColumnSchema("double", LogicalType.Float64),
        new ColumnSchema("amount", LogicalType.Decimal, Precision: 1000, Scale: 50, SourceType: "numeric(1000,50)"),
        new ColumnSchema("text", LogicalType.String, MaxLength: 4000, SourceType: "varchar(4000)"),
        new ColumnSchema("bytes", LogicalType.Binary),
        new ColumnSchema("ref", LogicalType.Uuid),
        new ColumnSchema("doc", LogicalType.Json),
        new ColumnSchema("day", LogicalType.Date),
        new ColumnSchema("time", LogicalType.Time, Precision: 7),
        new ColumnSchema("stamp", LogicalType.Timestamp, Precision: 7, SourceType: "datetime2(7)"),
        new ColumnSchema("stamptz", LogicalType.TimestampTz, Precision: 7),
    ], ["id"]);

    /// <summary>Values per column (index 1.. of <see cref="Schema"/>); row i takes value i modulo the list's length.</summary>
    public static readonly object[][] PerColumn =
    [
        [true, false],
        [short.MinValue, short.MaxValue, (short)0, (short)-1],
        [int.MinValue, int.MaxValue, 0, -1],
        [long.MinValue, long.MaxValue, 0L, -1L],
        [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0.0f, float.Epsilon, float.MaxValue, BitConverter.Int32BitsToSingle(0x7FC0_0001), 1.5f],
        [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, double.Epsilon, double.MinValue, BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_0000_0001)), Math.PI],
        [new Numeric(0, 0), new Numeric(-1, 2), new Numeric(BigInteger.Pow(10, 100) + 1, 50), new Numeric(-(BigInteger.Pow(10, 38) - 1), 0),
            new Numeric(BigInteger.Parse("-123456789012345678901234567890123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture), 7), new Numeric(5, -3), Numeric.Parse("0.000")],
        ["", "a", "\U0001D11E music \U0001F600", "e\u0301 combining", "nul\0inside", new string('x', 100_000), "lone \uD800 surrogate", "\uFFFF\uE000 ümlaut 日本"],
        [Array.Empty<byte>(), new byte[] { 0, 255, 1, 254 }, Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray()],
        [Guid.Empty, new Guid("ffffffff-ffff-ffff-ffff-ffffffffffff"), new Guid("00112233-4455-6677-8899-aabbccddeeff")],
        ["{}", "{\"a\":[1,2,{\"b\":null}],\"c\":\"\\u0000\"}", ""],
        [DateOnly.MinValue, DateOnly.MaxValue, new DateOnly(2024, 2, 29)],
        [TimeOnly.MinValue, TimeOnly.MaxValue, new TimeOnly(12, 34, 56, 789, 123).Add(TimeSpan.FromTicks(4))],
        [DateTime.MinValue, new DateTime(DateTime.MaxValue.Ticks, DateTimeKind.Unspecified), new DateTime(2024, 3, 31, 2, 30, 0, DateTimeKind.Unspecified).AddTicks(1)],
        [new DateTimeOffset(new DateTime(1, 1, 1, 14, 0, 0), TimeSpan.FromHours(14)), new DateTimeOffset(new DateTime(9999, 12, 31, 9, 59, 59).AddTicks(9_999_999), TimeSpan.FromHours(-14)),
            DateTimeOffset.MinValue, DateTimeOffset.MaxValue, new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.FromMinutes(345)).AddTicks(1)],
    ];

    /// <summary>Rows that cover every edge value, NULLs, unchanged markers, every change kind and commit-time shapes.</summary>
    public static List<ChangeRow> Rows()
    {
        var rows = new List<ChangeRow>();
        var longest = PerColumn.Max(c => c.Length);
        var time = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.FromHours(2));
        for (var i = 0; i < longest; i++)
        {
            var values = new object?[Schema.Columns.Count];
            values[0] = (long)i + 1;
            for (var c = 1; c < values.Length; c++) values[c] = PerColumn[c - 1][i % PerColumn[c - 1].Length];
            // Same time twice, then later, then earlier (a negative delta), with changing offsets.
            var commit = (i % 4) switch
            {
                0 or 1 => time,
                2 => time.AddTicks(123_456_789).ToOffset(TimeSpan.FromHours(-14)),
                _ => time.AddDays(-400).ToOffset(TimeSpan.FromHours(14)),
            };
            rows.Add(new ChangeRow((ChangeKind)(i % 3 + 1), values, commit));
        }
        rows.Add(new ChangeRow(ChangeKind.Update, [100L, .. Enumerable.Repeat<object?>(null, Schema.Columns.Count - 1)], DateTimeOffset.MinValue));
        rows.Add(new ChangeRow(ChangeKind.Delete, [101L, .. Enumerable.Repeat<object?>(Unchanged.Value, Schema.Columns.Count - 1)], DateTimeOffset.MaxValue));
        var mixed = new object?[Schema.Columns.Count];
        mixed[0] = 102L;
        for (var c = 1; c < mixed.Length; c++) mixed[c] = (c % 3) switch { 0 => null, 1 => Unchanged.Value, _ => PerColumn[c - 1][0] };
        rows.Add(new ChangeRow(ChangeKind.Update, mixed, time));
        return rows;
    }
}

/// <summary>Exact comparison of staged values: bit patterns for floats, kinds for timestamps, offsets for timestamptz.</summary>
public static class StagedAssert
{
    public static void SameRows(IReadOnlyList<ChangeRow> expected, IReadOnlyList<ChangeRow> actual)
    {
        actual.Should().HaveCount(expected.Count);
        for (var r = 0; r < expected.Count; r++)
        {
            actual[r].Kind.Should().Be(expected[r].Kind, "row {0} keeps its change kind", r);
            actual[r].CommitTime.Ticks.Should().Be(expected[r].CommitTime.Ticks, "row {0} keeps its commit time", r);
            actual[r].CommitTime.Offset.Should().Be(expected[r].CommitTime.Offset, "row {0} keeps its commit offset", r);
            actual[r].Values.Should().HaveCount(expected[r].Values.Length);
            for (var c = 0; c < expected[r].Values.Length; c++) SameValue(expected[r].Values[c], actual[r].Values[c], $"row {r} column {c}");
        }
    }

    public static void SameValue(object? expected, object? actual, string where)
    {
        switch (expected)
        {
            case null:
                actual.Should().BeNull(where);
                break;
            case Unchanged:
                actual.Should().BeSameAs(Unchanged.Value, where);
                break;
            case float f:
                actual.Should().BeOfType<float>(where);
                BitConverter.SingleToInt32Bits((float)actual!).Should().Be(BitConverter.SingleToInt32Bits(f), where);
                break;
            case double d:
                actual.Should().BeOfType<double>(where);
                BitConverter.DoubleToInt64Bits((double)actual!).Should().Be(BitConverter.DoubleToInt64Bits(d), where);
                break;
            case byte[] bytes:
                actual.Should().BeOfType<byte[]>(where).Which.Should().Equal(bytes, where);
                break;
            case DateTime dt:
                var actualDateTime = actual.Should().BeOfType<DateTime>(where).Subject;
                actualDateTime.Ticks.Should().Be(dt.Ticks, where);
                actualDateTime.Kind.Should().Be(DateTimeKind.Unspecified, where);
                break;
            case DateTimeOffset dto:
                var actualOffset = actual.Should().BeOfType<DateTimeOffset>(where).Subject;
                actualOffset.EqualsExact(dto).Should().BeTrue($"{where}: {actualOffset:o} should be exactly {dto:o}");
                break;
            case string s:
                actual.Should().BeOfType<string>(where);
                string.Equals((string)actual!, s, StringComparison.Ordinal).Should().BeTrue(where);
                break;
            default:
                actual.Should().NotBeNull(where);
                actual!.GetType().Should().Be(expected.GetType(), where);
                actual.Should().Be(expected, where);
                break;
        }
    }
}
