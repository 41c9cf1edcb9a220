namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// PostgreSQL's binary date/time encodings, computed here so that every value is written exactly as intended:
/// timestamp and timestamptz are int64 microseconds since 2000-01-01 00:00 (timestamptz in UTC), date is int32 days
/// since 2000-01-01, time is int64 microseconds since midnight.
/// </summary>
/// <remarks>
/// PostgreSQL keeps microseconds; logical values carry 100 ns ticks. Ticks are rounded to the nearest microsecond
/// (half up), as the server rounds extra digits in text input. The one exception is a value within half a microsecond
/// of the end of the CLR range (e.g. DateTime.MaxValue, 9999-12-31 23:59:59.9999999, a common "open end" marker),
/// which keeps its last whole microsecond instead of rounding into year 10000 or to 24:00, neither of which reads
/// back into .NET. Writing the encodings directly also bypasses Npgsql's mapping of DateTime.MinValue/MaxValue to
/// -infinity/infinity, so 0001-01-01 and 9999-12-31 are stored as those dates. timestamptz keeps the instant, not
/// the offset.
/// </remarks>
internal static class PgTemporalBinary
{
    private const long TicksPerMicrosecond = 10;
    private static readonly long EpochMicroseconds = new DateTime(2000, 1, 1).Ticks / TicksPerMicrosecond;
    private static readonly int EpochDayNumber = new DateOnly(2000, 1, 1).DayNumber;
    private static readonly long LastMicrosecondOfCalendar = DateTime.MaxValue.Ticks / TicksPerMicrosecond;
    private static readonly long LastMicrosecondOfDay = TimeOnly.MaxValue.Ticks / TicksPerMicrosecond;

    public static long Timestamp(DateTime value) => RoundToMicroseconds(value.Ticks, LastMicrosecondOfCalendar) - EpochMicroseconds;

    public static long TimestampTz(DateTimeOffset value) => RoundToMicroseconds(value.UtcTicks, LastMicrosecondOfCalendar) - EpochMicroseconds;

    public static int Date(DateOnly value) => value.DayNumber - EpochDayNumber;

    public static long Time(TimeOnly value) => RoundToMicroseconds(value.Ticks, LastMicrosecondOfDay);

    /// <summary>The value PostgreSQL stores for <paramref name="value"/>, as .NET reads it back.</summary>
    public static DateTime StoredTimestamp(DateTime value) =>
        new((Timestamp(value) + EpochMicroseconds) * TicksPerMicrosecond, DateTimeKind.Unspecified);

    /// <summary>The instant PostgreSQL stores for <paramref name="value"/>, in UTC.</summary>
    public static DateTimeOffset StoredTimestampTz(DateTimeOffset value) =>
        new((TimestampTz(value) + EpochMicroseconds) * TicksPerMicrosecond, TimeSpan.Zero);

    public static TimeOnly StoredTime(TimeOnly value) => new(Time(value) * TicksPerMicrosecond);

    /// <param name="ticks">Non-negative ticks (CLR values never precede year 1 or midnight).</param>
    private static long RoundToMicroseconds(long ticks, long lastMicrosecond)
    {
        var rounded = (ticks + (TicksPerMicrosecond / 2)) / TicksPerMicrosecond;
        return Math.Min(rounded, lastMicrosecond);
    }
}
