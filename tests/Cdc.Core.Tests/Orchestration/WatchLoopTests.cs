using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;
using Cdc.Core.State;

namespace Cdc.Core.Tests.Orchestration;

/// <summary>
/// The watch loop on a fake clock with a fake runner. The clock only moves when a test ticks it, so every schedule
/// and poll happens at a known time; steps start on other threads, so tests wait for them to start
/// (<see cref="FakeWatchRunner.NextStartedAsync"/>) and to end (<see cref="SettledAsync"/>) before looking.
/// </summary>
public sealed class WatchLoopTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2024, 7, 1, 12, 0, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset At1201 = new(2024, 7, 1, 12, 1, 0, TimeSpan.Zero);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(7);

    /// <summary>12:01 on 1 July: one occurrence within a test.</summary>
    private const string OnceAt1201 = "1 12 1 7 *";

    private readonly WatchFakeClock _clock = new(Start);
    private readonly FakeWatchRunner _runner = new();
    private readonly WatchFakeCommitPoller _commits = new();
    private readonly WatchListLogger<WatchLoop> _log = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private WatchLoop? _watch;
    private Task? _loop;

    public async ValueTask DisposeAsync()
    {
        await _abort.CancelAsync();
        await _stop.CancelAsync();
        if (_loop is not null) await _loop.WaitAsync(TimeSpan.FromSeconds(20));
        _stop.Dispose();
        _abort.Dispose();
    }

    private async Task StartAsync(params PipelineDefinition[] pipelines)
    {
        _watch = new WatchLoop(pipelines, _runner, _commits, _clock, _log, new WatchOptions { PollInterval = Poll });
        _loop = _watch.RunAsync(_stop.Token, _abort.Token);
        await _clock.WaitForTimersAsync(1);
    }

    /// <summary>Waits until exactly <paramref name="inFlight"/> steps are still going; the next tick then sees the
    /// others as ended.</summary>
    private async Task SettledAsync(int inFlight = 0)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (_watch!.StepsInFlight != inFlight) await Task.Delay(1, guard.Token);
    }

    private Task TickUntilAsync(DateTimeOffset time) => _clock.TickUntilAsync(() => _clock.GetUtcNow() >= time, ticks: 40);

    [Fact]
    public async Task A_scheduled_run_fires_at_its_occurrence_between_polls_and_once_per_occurrence()
    {
        await StartAsync(DispatchTestPipelines.Scheduled("orders", "1m"));

        await TickUntilAsync(At1201);
        (await _runner.NextStartedAsync()).Key.Should().Be("run orders");
        _clock.GetUtcNow().Should().Be(At1201, "the loop wakes at the occurrence, not at the next poll (12:01:05)");
        await SettledAsync();

        await TickUntilAsync(At1201.AddSeconds(59));
        _runner.Calls.Should().Equal("run orders");
        await TickUntilAsync(At1201.AddMinutes(1));
        (await _runner.NextStartedAsync()).Key.Should().Be("run orders");
        _clock.GetUtcNow().Should().Be(At1201.AddMinutes(1));
        _log.Has(6051).Should().BeTrue();
    }

    [Fact]
    public async Task Pipelines_without_a_schedule_never_run_by_themselves()
    {
        await StartAsync(DispatchTestPipelines.Scheduled("manual", null));

        for (var i = 0; i < 20; i++) await _clock.TickAsync();

        _runner.Calls.Should().BeEmpty();
        _commits.Polls.Should().Be(21, "one check at start and one per tick");
        _clock.GetUtcNow().Should().Be(Start + (20 * Poll));
    }

    [Fact]
    public async Task A_long_gap_starts_one_run_not_a_backlog()
    {
        await StartAsync(DispatchTestPipelines.Scheduled("orders", "1m"));

        await _clock.JumpAsync(TimeSpan.FromMinutes(30));
        (await _runner.NextStartedAsync()).Key.Should().Be("run orders");
        await SettledAsync();
        for (var i = 0; i < 3; i++) await _clock.TickAsync();

        _runner.Calls.Should().Equal("run orders");
    }

    [Fact]
    public async Task A_run_still_going_at_the_next_occurrence_is_not_started_again()
    {
        _runner.Hold["run orders"] = true;
        await StartAsync(DispatchTestPipelines.Scheduled("orders", "1m"));
        await TickUntilAsync(At1201);
        var first = await _runner.NextStartedAsync();

        await TickUntilAsync(At1201.AddMinutes(2).AddSeconds(30));

        _runner.Calls.Should().Equal("run orders");
        _log.Entries.Count(e => e.EventId == 6054).Should().Be(2, "the 12:02 and 12:03 occurrences were skipped");
        _runner.Hold.Clear();
        first.Finish();
        await SettledAsync();
        await TickUntilAsync(At1201.AddMinutes(3));
        (await _runner.NextStartedAsync()).Key.Should().Be("run orders");
        _runner.Calls.Should().HaveCount(2, "the 12:04 occurrence runs again once the run has ended");
    }

    [Fact]
    public async Task A_run_refused_by_the_lease_or_a_budget_or_failing_is_logged_and_the_schedule_goes_on()
    {
        var holder = new LeaseInfo("orders", "run-elsewhere", "other-host (pid 7)", Start, Start.AddMinutes(1));
        _runner.FailNextRun["orders"] = new PipelineBusyException(holder);
        await StartAsync(DispatchTestPipelines.Scheduled("orders", "1m"));

        await TickUntilAsync(At1201);
        await SettledAsync();
        _log.Entries.Single(e => e.EventId == 6055).Message.Should().Contain("run-elsewhere").And.Contain("other-host");

        _runner.Hold["run orders"] = true;
        await TickUntilAsync(At1201.AddMinutes(1));
        var refused = await _runner.NextStartedAsync();
        refused.Finish(RunSummaryOutcome.Refused, "an enforced budget is spent");
        await SettledAsync();
        _log.Entries.Last(e => e.EventId == 6055).Message.Should().Contain("budget");

        _runner.Hold.Clear();
        _runner.FailNextRun["orders"] = new InvalidOperationException("target unreachable");
        await TickUntilAsync(At1201.AddMinutes(2));
        await SettledAsync();
        _log.Entries.Should().ContainSingle(e => e.EventId == 6057).Which.Message.Should().Contain("target unreachable");

        await TickUntilAsync(At1201.AddMinutes(3));
        (await _runner.NextStartedAsync()).Key.Should().Be("run orders");
        _runner.Calls.Should().HaveCount(4);
        _loop!.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task A_new_commit_triggers_exactly_one_table_ingest()
    {
        _commits.Commit("orders", "public.customers", 3);
        _commits.Commit("orders", "public.items", 8);
        await StartAsync(DispatchTestPipelines.Scheduled("orders", null));
        for (var i = 0; i < 3; i++) await _clock.TickAsync();
        _runner.Calls.Should().BeEmpty("batches staged before watching started are taken as seen");

        _commits.Commit("orders", "public.customers", 4);
        await _clock.TickAsync();
        (await _runner.NextStartedAsync()).Key.Should().Be("ingest orders public.customers");
        await SettledAsync();
        for (var i = 0; i < 5; i++) await _clock.TickAsync();

        _runner.Calls.Should().Equal("ingest orders public.customers");
        _log.Has(6060).Should().BeTrue();
        _log.Has(6061).Should().BeTrue();
    }

    [Fact]
    public async Task A_table_that_appears_after_watching_started_is_ingested()
    {
        await StartAsync(DispatchTestPipelines.Scheduled("orders", null));

        _commits.Commit("orders", "sales.\"Order Details\"", 1);
        await _clock.TickAsync();

        (await _runner.NextStartedAsync()).Key.Should().Be("ingest orders sales.Order Details");
    }

    [Fact]
    public async Task Batches_staged_during_an_ingest_of_their_table_start_one_more_ingest_after_it()
    {
        _runner.Hold["ingest orders public.customers"] = true;
        _commits.Commit("orders", "public.customers", 1);
        await StartAsync(DispatchTestPipelines.Scheduled("orders", null));
        _commits.Commit("orders", "public.customers", 2);
        await _clock.TickAsync();
        var first = await _runner.NextStartedAsync();

        _commits.Commit("orders", "public.customers", 3);
        _commits.Commit("orders", "public.customers", 4);
        for (var i = 0; i < 5; i++) await _clock.TickAsync();
        _runner.Count("ingest orders public.customers").Should().Be(1, "a table's ingest never runs twice at once");

        _runner.Hold.Clear();
        first.Finish();
        await SettledAsync();
        await _clock.TickAsync();
        (await _runner.NextStartedAsync()).Key.Should().Be("ingest orders public.customers");
        await SettledAsync();
        for (var i = 0; i < 5; i++) await _clock.TickAsync();
        _runner.Count("ingest orders public.customers").Should().Be(2, "one more ingest takes batches 3 and 4 together");
    }

    [Fact]
    public async Task Tables_and_pipelines_are_ingested_independently()
    {
        _runner.Hold["ingest orders public.customers"] = true;
        await StartAsync(DispatchTestPipelines.Scheduled("orders", null), DispatchTestPipelines.Scheduled("billing", null));

        _commits.Commit("orders", "public.customers", 1);
        _commits.Commit("orders", "public.items", 1);
        _commits.Commit("billing", "public.customers", 1);
        await _clock.TickAsync();
        var started = new[] { await _runner.NextStartedAsync(), await _runner.NextStartedAsync(), await _runner.NextStartedAsync() };

        started.Select(s => s.Key).Should().BeEquivalentTo("ingest orders public.customers", "ingest orders public.items", "ingest billing public.customers");
        await SettledAsync(inFlight: 1);
        started.Single(s => s.Key == "ingest orders public.customers").Result.IsCompleted.Should().BeFalse("the held ingest holds up nothing else");
    }

    [Fact]
    public async Task Batches_a_pipelines_own_run_staged_start_no_ingest_afterwards()
    {
        _runner.Hold["run orders"] = true;
        _commits.Commit("orders", "public.customers", 1);
        await StartAsync(DispatchTestPipelines.Scheduled("orders", OnceAt1201));
        await TickUntilAsync(At1201);
        var run = await _runner.NextStartedAsync();

        _commits.Commit("orders", "public.customers", 2);
        _commits.Commit("orders", "public.items", 1);
        await _clock.TickAsync();
        run.Finish();
        await SettledAsync();
        for (var i = 0; i < 4; i++) await _clock.TickAsync();
        _runner.Calls.Should().Equal("run orders");
        _commits.FullListings.Should().Contain(true, "taking the run's batches as seen must look at tables it staged for the first time");
        _commits.FullListings.Count(full => full).Should().Be(2, "the first poll and the one after the run list everything; the rest probe");

        _commits.Commit("orders", "public.customers", 3);
        await _clock.TickAsync();
        (await _runner.NextStartedAsync()).Key.Should().Be("ingest orders public.customers");
    }

    [Fact]
    public async Task A_due_run_waits_for_the_table_ingests_in_flight_and_starts_after_them()
    {
        _runner.Hold["ingest orders public.customers"] = true;
        await StartAsync(DispatchTestPipelines.Scheduled("orders", OnceAt1201));
        _commits.Commit("orders", "public.customers", 1);
        await _clock.TickAsync();
        var ingest = await _runner.NextStartedAsync();

        await TickUntilAsync(At1201);
        _log.Has(6056).Should().BeTrue();
        _commits.Commit("orders", "public.items", 1);
        await _clock.TickAsync();
        _runner.Calls.Should().Equal("ingest orders public.customers");

        ingest.Finish();
        await SettledAsync();
        await _clock.TickAsync();
        (await _runner.NextStartedAsync()).Key.Should().Be("run orders", "the run comes before any further ingest, and ingests public.items itself");
    }

    [Fact]
    public async Task Stopping_lets_the_step_in_flight_finish()
    {
        _runner.Hold["run orders"] = true;
        await StartAsync(DispatchTestPipelines.Scheduled("orders", "1m"));
        await TickUntilAsync(At1201);
        var run = await _runner.NextStartedAsync();

        await _stop.CancelAsync();
        await Task.Yield();
        _loop!.IsCompleted.Should().BeFalse("the run in flight is not finished");
        run.Token.IsCancellationRequested.Should().BeFalse("stopping does not cancel the step");
        _commits.Commit("orders", "public.customers", 9);

        run.Finish();
        await _loop.WaitAsync(TimeSpan.FromSeconds(20));
        run.Result.IsCompletedSuccessfully.Should().BeTrue();
        _runner.Calls.Should().Equal("run orders");
        _log.Has(6070).Should().BeTrue();
        _log.Has(6052).Should().BeTrue("the run's end is still reported");
        _log.Has(6072).Should().BeTrue();
    }

    [Fact]
    public async Task Aborting_after_stopping_cancels_the_step_in_flight()
    {
        _runner.Hold["ingest orders public.customers"] = true;
        await StartAsync(DispatchTestPipelines.Scheduled("orders", null));
        _commits.Commit("orders", "public.customers", 1);
        await _clock.TickAsync();
        var ingest = await _runner.NextStartedAsync();

        await _stop.CancelAsync();
        _loop!.IsCompleted.Should().BeFalse();
        await _abort.CancelAsync();

        await _loop.WaitAsync(TimeSpan.FromSeconds(20));
        ingest.Token.IsCancellationRequested.Should().BeTrue();
        _log.Has(6071).Should().BeTrue();
    }

    [Fact]
    public async Task Stopping_with_nothing_in_flight_ends_at_once()
    {
        await StartAsync(DispatchTestPipelines.Scheduled("orders", "1h"));

        await _stop.CancelAsync();

        await _loop!.WaitAsync(TimeSpan.FromSeconds(20));
        _runner.Calls.Should().BeEmpty();
        _log.Has(6070).Should().BeFalse();
        _log.Has(6072).Should().BeTrue();
    }

    [Fact]
    public async Task A_failed_check_of_the_staging_area_is_logged_and_retried_on_the_next_tick()
    {
        await StartAsync(DispatchTestPipelines.Scheduled("orders", null));
        _commits.FailWith = new IOException("staging unreachable");
        await _clock.TickAsync();
        _log.Entries.Should().Contain(e => e.EventId == 6068 && e.Message.Contains("staging unreachable"));

        _commits.FailWith = null;
        _commits.Commit("orders", "public.customers", 1);
        await _clock.TickAsync();

        (await _runner.NextStartedAsync()).Key.Should().Be("ingest orders public.customers");
    }

    [Fact]
    public async Task A_staging_area_that_was_reset_does_not_hide_its_new_batches()
    {
        _commits.Commit("orders", "public.customers", 50);
        await StartAsync(DispatchTestPipelines.Scheduled("orders", null));

        _commits.Commit("orders", "public.customers", 1);
        await _clock.TickAsync();
        _log.Has(6067).Should().BeTrue();
        _runner.Calls.Should().BeEmpty();
        _commits.Commit("orders", "public.customers", 2);
        await _clock.TickAsync();

        (await _runner.NextStartedAsync()).Key.Should().Be("ingest orders public.customers");
    }

    [Fact]
    public void Bad_settings_are_refused_up_front_naming_what_is_wrong()
    {
        var noPoll = () => new WatchLoop([DispatchTestPipelines.Scheduled("orders", null)], _runner, _commits, _clock, _log, new WatchOptions { PollInterval = TimeSpan.Zero });
        var twice = () => new WatchLoop([DispatchTestPipelines.Scheduled("orders", null), DispatchTestPipelines.Scheduled("orders", "1m")], _runner, _commits, _clock, _log);
        var badSchedule = () => new WatchLoop([DispatchTestPipelines.Scheduled("orders", "sometimes")], _runner, _commits, _clock, _log);

        noPoll.Should().Throw<ArgumentOutOfRangeException>();
        twice.Should().Throw<ArgumentException>().WithMessage("*orders*more than once*");
        badSchedule.Should().Throw<ArgumentException>().WithMessage("*orders*sometimes*");
    }
}
