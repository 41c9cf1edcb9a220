using Cdc.Core.Targets.Postgres;

namespace Cdc.Core.Tests.Targets.Postgres;

public sealed class PgTemporalBinaryTests
{
    private static readonly DateTime Epoch = new(2000, 1, 1);

    [Fact]
    public void Counts_microseconds_and_days_from_the_postgres_epoch()
    {
        PgTemporalBinary.Timestamp(Epoch).Should().Be(0);
        PgTemporalBinary.Timestamp(Epoch.AddSeconds(1)).Should().Be(1_000_000);
        PgTemporalBinary.Timestamp(Epoch.AddTicks(-10)).Should().Be(-1);
        PgTemporalBinary.Date(new DateOnly(2000, 1, 2)).Should().Be(1);
        PgTemporalBinary.Date(new DateOnly(1999, 12, 31)).Should().Be(-1);
        PgTemporalBinary.Time(new TimeOnly(0, 0, 1)).Should().Be(1_000_000);
    }

    [Theory]
    [InlineData(4, 0)]
    [InlineData(5, 1)]
    [InlineData(14, 1)]
    [InlineData(15, 2)]
    public void Rounds_ticks_to_the_nearest_microsecond(int ticks, long microseconds)
    {
        PgTemporalBinary.Timestamp(Epoch.AddTicks(ticks)).Should().Be(microseconds);
        PgTemporalBinary.Time(new TimeOnly(ticks)).Should().Be(microseconds);
        PgTemporalBinary.TimestampTz(new DateTimeOffset(Epoch.AddTicks(ticks), TimeSpan.Zero)).Should().Be(microseconds);
    }

    [Fact]
    public void Rounds_before_the_epoch_towards_the_nearest_microsecond_too()
    {
        PgTemporalBinary.Timestamp(Epoch.AddTicks(-14)).Should().Be(-1);
        PgTemporalBinary.Timestamp(Epoch.AddTicks(-16)).Should().Be(-2);
    }

    [Fact]
    public void Keeps_the_last_microsecond_instead_of_rounding_past_the_calendar_or_the_day()
    {
        PgTemporalBinary.StoredTimestamp(DateTime.MaxValue).Should().Be(new DateTime(9999, 12, 31, 23, 59, 59).AddTicks(9_999_990));
        PgTemporalBinary.StoredTimestampTz(DateTimeOffset.MaxValue).Should().Be(new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990));
        PgTemporalBinary.StoredTime(TimeOnly.MaxValue).Should().Be(new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9_999_990)));
        PgTemporalBinary.StoredTimestamp(DateTime.MinValue).Should().Be(DateTime.MinValue);
    }

    [Fact]
    public void Timestamptz_keeps_the_instant_not_the_offset()
    {
        var local = new DateTimeOffset(2024, 5, 1, 14, 0, 0, TimeSpan.FromHours(2));

        PgTemporalBinary.TimestampTz(local).Should().Be(PgTemporalBinary.TimestampTz(local.ToUniversalTime()));
        PgTemporalBinary.StoredTimestampTz(local).Offset.Should().Be(TimeSpan.Zero);
    }
}
