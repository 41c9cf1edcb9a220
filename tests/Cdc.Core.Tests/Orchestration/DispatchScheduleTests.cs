using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;

namespace Cdc.Core.Tests.Orchestration;

public sealed class DispatchScheduleTests
{
    private static readonly DateTimeOffset Noon = new(2024, 7, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_interval_is_due_when_an_aligned_occurrence_falls_in_the_window()
    {
        var pipelines = new[] { DispatchTestPipelines.Scheduled("orders", "15m") };

        ScheduleDispatch.Due(pipelines, Noon.AddMinutes(14), Noon.AddMinutes(15)).Should().Equal("orders");
        ScheduleDispatch.Due(pipelines, Noon.AddMinutes(15), Noon.AddMinutes(16)).Should().BeEmpty("12:15 belongs to the previous window");
        ScheduleDispatch.Due(pipelines, Noon.AddMinutes(1), Noon.AddMinutes(14)).Should().BeEmpty();
    }

    [Fact]
    public void A_cron_schedule_is_due_at_its_minute_and_a_six_field_cron_at_its_second()
    {
        var pipelines = new[] { DispatchTestPipelines.Scheduled("nightly", "30 2 * * *"), DispatchTestPipelines.Scheduled("fast", "*/10 * * * * *") };
        var twoThirty = new DateTimeOffset(2024, 7, 2, 2, 30, 0, TimeSpan.Zero);

        ScheduleDispatch.Due(pipelines, twoThirty.AddSeconds(-1), twoThirty).Should().Equal("fast", "nightly");
        ScheduleDispatch.Due(pipelines, twoThirty, twoThirty.AddSeconds(9)).Should().BeEmpty();
        ScheduleDispatch.Due(pipelines, twoThirty, twoThirty.AddSeconds(10)).Should().Equal("fast");
    }

    [Fact]
    public void A_long_gap_makes_a_pipeline_due_once_not_once_per_missed_occurrence()
    {
        var pipelines = new[] { DispatchTestPipelines.Scheduled("orders", "1m"), DispatchTestPipelines.Scheduled("daily", "0 0 * * *") };

        ScheduleDispatch.Due(pipelines, Noon, Noon.AddDays(3)).Should().Equal("daily", "orders");
    }

    [Fact]
    public void The_first_tick_without_a_previous_one_is_due_nothing_even_on_an_occurrence()
    {
        var pipelines = new[] { DispatchTestPipelines.Scheduled("orders", "1m") };

        ScheduleDispatch.Due(pipelines, (DateTimeOffset?)null, Noon).Should().BeEmpty();
        ScheduleDispatch.Due(pipelines, (DateTimeOffset?)Noon.AddSeconds(-1), Noon).Should().Equal("orders");
    }

    [Fact]
    public void Empty_or_backwards_windows_are_due_nothing()
    {
        var pipelines = new[] { DispatchTestPipelines.Scheduled("orders", "1m") };

        ScheduleDispatch.Due(pipelines, Noon, Noon).Should().BeEmpty();
        ScheduleDispatch.Due(pipelines, Noon.AddMinutes(5), Noon).Should().BeEmpty("the clock went back");
    }

    [Fact]
    public void Pipelines_without_a_schedule_are_never_due_and_the_rest_come_in_name_order()
    {
        var pipelines = new[]
        {
            DispatchTestPipelines.Scheduled("zeta", "1m"),
            DispatchTestPipelines.Scheduled("on-request", null),
            DispatchTestPipelines.Scheduled("alpha", "*/5 * * * *"),
            DispatchTestPipelines.Scheduled("Beta", "1h"),
        };

        ScheduleDispatch.Due(pipelines, Noon.AddSeconds(-1), Noon).Should().Equal("Beta", "alpha", "zeta");
    }

    [Fact]
    public void Time_zones_of_the_ticks_do_not_matter_schedules_are_utc()
    {
        var pipelines = new[] { DispatchTestPipelines.Scheduled("nightly", "0 2 * * *") };
        var twoUtcInBerlin = new DateTimeOffset(2024, 7, 1, 4, 0, 0, TimeSpan.FromHours(2));

        ScheduleDispatch.Due(pipelines, twoUtcInBerlin.AddMinutes(-1), twoUtcInBerlin).Should().Equal("nightly");
    }

    [Fact]
    public void NextOccurrence_is_the_earliest_of_all_schedules_and_null_without_any()
    {
        var pipelines = new[] { DispatchTestPipelines.Scheduled("hourly", "1h"), DispatchTestPipelines.Scheduled("quarter", "15m"), DispatchTestPipelines.Scheduled("manual", null) };

        ScheduleDispatch.NextOccurrence(pipelines, Noon.AddMinutes(20)).Should().Be(Noon.AddMinutes(30));
        ScheduleDispatch.NextOccurrence([DispatchTestPipelines.Scheduled("manual", null)], Noon).Should().BeNull();
    }

    [Fact]
    public void A_schedule_that_does_not_parse_names_its_pipeline()
    {
        var pipelines = new[] { DispatchTestPipelines.Scheduled("broken", "every tuesday") };

        var due = () => ScheduleDispatch.Due(pipelines, Noon.AddMinutes(-1), Noon);

        due.Should().Throw<ArgumentException>().WithMessage("*broken*every tuesday*");
    }
}

/// <summary>Pipeline definitions built in code for the orchestration tests.</summary>
internal static class DispatchTestPipelines
{
    public static PipelineDefinition Scheduled(string name, string? schedule) => Staged(name) with { Schedule = schedule };

    public static PipelineDefinition Staged(string name, string location = "UseDevelopmentStorage=true", string container = "ingest-staging", string? prefix = null) => new()
    {
        Name = name,
        Source = new SourceDefinition { Kind = SourceKind.Postgres, Connection = "Host=source" },
        Objects = [new ObjectDefinition { Schema = "public" }],
        Staging = new StagingDefinition { Location = location, Container = container, Prefix = prefix },
        Destination = new DestinationDefinition { Kind = DestinationKind.Postgres, Connection = "Host=target" },
    };
}
