using Cdc.Core.Pipeline;

namespace Cdc.Core.Tests.Pipeline;

public sealed class PipelineScheduleTests
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("15m", 15 * 60)]
    [InlineData("1h", 3600)]
    [InlineData("2d", 2 * 86400)]
    public void Interval_is_parsed(string text, int seconds)
    {
        var schedule = PipelineSchedule.Parse(text);

        schedule.Interval.Should().Be(TimeSpan.FromSeconds(seconds));
        schedule.Cron.Should().BeNull();
        schedule.Expression.Should().Be(text);
    }

    [Fact]
    public void Interval_occurrences_are_aligned_to_the_epoch_and_strictly_later()
    {
        var schedule = PipelineSchedule.Parse("15m");

        schedule.NextOccurrence(Utc(2024, 5, 1, 10, 7, 30)).Should().Be(Utc(2024, 5, 1, 10, 15));
        schedule.NextOccurrence(Utc(2024, 5, 1, 10, 15)).Should().Be(Utc(2024, 5, 1, 10, 30));
        schedule.NextOccurrence(Utc(2024, 5, 1, 23, 59, 59)).Should().Be(Utc(2024, 5, 2, 0, 0));
    }

    [Fact]
    public void Interval_occurrence_honours_the_offset_of_the_input()
    {
        var schedule = PipelineSchedule.Parse("1h");
        var after = new DateTimeOffset(2024, 5, 1, 12, 30, 0, TimeSpan.FromHours(2));

        schedule.NextOccurrence(after).Should().Be(Utc(2024, 5, 1, 11, 0));
    }

    [Fact]
    public void Cron_with_five_fields_runs_on_minutes_in_utc()
    {
        var schedule = PipelineSchedule.Parse("*/15 * * * *");

        schedule.Cron.Should().NotBeNull();
        schedule.Interval.Should().BeNull();
        schedule.NextOccurrence(Utc(2024, 5, 1, 10, 7, 30)).Should().Be(Utc(2024, 5, 1, 10, 15));
        schedule.NextOccurrence(Utc(2024, 5, 1, 10, 15)).Should().Be(Utc(2024, 5, 1, 10, 30));
        schedule.NextOccurrence(new DateTimeOffset(2024, 5, 1, 12, 50, 0, TimeSpan.FromHours(2))).Should().Be(Utc(2024, 5, 1, 11, 0));
    }

    [Fact]
    public void Cron_with_six_fields_takes_seconds_first()
    {
        var schedule = PipelineSchedule.Parse("30 0 * * * *");

        schedule.NextOccurrence(Utc(2024, 5, 1, 10, 7)).Should().Be(Utc(2024, 5, 1, 11, 0, 30));
    }

    [Fact]
    public void Rare_cron_is_found_far_ahead()
    {
        var schedule = PipelineSchedule.Parse("0 0 29 2 *");

        schedule.NextOccurrence(Utc(2025, 3, 1, 0, 0)).Should().Be(Utc(2028, 2, 29, 0, 0));
    }

    [Fact]
    public void No_occurrence_beyond_the_calendar_gives_null()
    {
        PipelineSchedule.Parse("1d").NextOccurrence(DateTimeOffset.MaxValue.AddHours(-1)).Should().BeNull();
        PipelineSchedule.Parse("0 0 1 1 *").NextOccurrence(new DateTimeOffset(9999, 6, 1, 0, 0, 0, TimeSpan.Zero)).Should().BeNull();
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("15", "neither an interval")]
    [InlineData("1w", "neither an interval")]
    [InlineData("0s", "at least 1s")]
    [InlineData("99999999999999999999d", "longer than 366 days")]
    [InlineData("* * * * * * *", "has 7")]
    [InlineData("60 * * * * *", "[Second] field")]
    public void Invalid_text_is_refused_with_a_reason(string text, string expected)
    {
        PipelineSchedule.TryParse(text, out var schedule, out var error).Should().BeFalse();
        schedule.Should().BeNull();
        error.Should().Contain(expected);
        FluentActions.Invoking(() => PipelineSchedule.Parse(text)).Should().Throw<FormatException>().WithMessage($"*{expected}*");
    }
}
