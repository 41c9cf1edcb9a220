using Cdc.Core.Orchestration;
using Cdc.Core.State;

namespace Cdc.Core.Tests.Orchestration;

/// <summary>The in-process context: retries with backoff waited out on the clock, final failures, and real fan-out.</summary>
public sealed class LocalOrchestrationContextTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_failing_activity_is_retried_after_backoff_delays_on_the_clock()
    {
        var clock = new StepClock(Start);
        var attempts = new List<DateTimeOffset>();
        var context = new LocalOrchestrationContext((name, input, ct) =>
        {
            attempts.Add(clock.GetUtcNow());
            return attempts.Count < 3 ? throw new IOException($"attempt {attempts.Count} failed") : Task.FromResult<object?>($"done with {input}");
        }, clock, CancellationToken.None);

        var call = context.CallActivityAsync<string>("Work", "x", new ActivityRetry(4, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(1)));
        await clock.WaitForTimerAsync();
        clock.Advance(TimeSpan.FromSeconds(5));
        await clock.WaitForTimerAsync();
        clock.Advance(TimeSpan.FromSeconds(10));

        (await call).Should().Be("done with x");
        clock.Delays.Should().Equal(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
        attempts.Should().Equal(Start, Start.AddSeconds(5), Start.AddSeconds(15));
        context.Failures.Should().BeEmpty();
        context.Results<string>("Work").Should().Equal("done with x");
    }

    [Fact]
    public async Task An_activity_that_fails_every_attempt_fails_with_its_own_error()
    {
        var clock = new StepClock(Start);
        var attempts = 0;
        var context = new LocalOrchestrationContext((_, _, _) =>
        {
            attempts++;
            throw new IOException("disk gone");
        }, clock, CancellationToken.None);

        var call = context.CallActivityAsync<string>("Work", "x", new ActivityRetry(2, TimeSpan.FromSeconds(3), 2, TimeSpan.FromMinutes(1)));
        await clock.WaitForTimerAsync();
        clock.Advance(TimeSpan.FromSeconds(3));

        var failure = (await FluentActions.Awaiting(() => call).Should().ThrowAsync<ActivityFailedException>()).Which;
        failure.Message.Should().Be("disk gone");
        failure.ErrorType.Should().Be(typeof(IOException).FullName);
        failure.InnerException.Should().BeOfType<IOException>();
        failure.IsCausedBy<IOException>().Should().BeTrue();
        attempts.Should().Be(2);
        context.Failures.Should().ContainSingle().Which.Should().BeSameAs(failure);
    }

    [Fact]
    public async Task A_final_error_type_is_not_retried_and_an_override_changes_attempts_but_not_that()
    {
        var clock = new StepClock(Start);
        var attempts = 0;
        var context = new LocalOrchestrationContext((_, _, _) =>
        {
            attempts++;
            throw new PipelineBusyException(new LeaseInfo("p", "run-0", "host", Start, Start.AddMinutes(1)));
        }, clock, CancellationToken.None, retry: ActivityRetry.Default);

        var act = () => context.CallActivityAsync<string>("Plan", "x", new ActivityRetry(5, TimeSpan.FromSeconds(1), 1, TimeSpan.FromSeconds(1)) { FinalErrorTypes = [typeof(PipelineBusyException).FullName!] });

        (await act.Should().ThrowAsync<ActivityFailedException>()).Which.IsCausedBy<PipelineBusyException>().Should().BeTrue();
        attempts.Should().Be(1);
        clock.Delays.Should().BeEmpty();
    }

    [Fact]
    public async Task Activities_started_together_run_at_the_same_time()
    {
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var context = new LocalOrchestrationContext(async (_, input, ct) =>
        {
            if (Interlocked.Increment(ref started) == 2) bothStarted.SetResult();
            await bothStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            return input;
        }, TimeProvider.System, CancellationToken.None);

        var first = context.CallActivityAsync<string>("Work", "a", ActivityRetry.Once);
        var second = context.CallActivityAsync<string>("Work", "b", ActivityRetry.Once);

        (await Task.WhenAll(first, second)).Should().Equal("a", "b");
        await context.WhenIdleAsync();
    }

    [Fact]
    public void Backoff_doubles_up_to_the_longest_delay()
    {
        var retry = new ActivityRetry(6, TimeSpan.FromSeconds(5), 2, TimeSpan.FromSeconds(12));

        Enumerable.Range(1, 4).Select(retry.DelayBefore).Should().Equal(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(12));
        ActivityRetry.Default.Should().Match<ActivityRetry>(r => r.MaxAttempts == 3 && r.FirstDelay == TimeSpan.FromSeconds(5) && r.BackoffCoefficient == 2 && r.MaxDelay == TimeSpan.FromMinutes(1));
        FluentActions.Invoking(() => new ActivityRetry(0, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(1))).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new ActivityRetry(2, TimeSpan.FromSeconds(5), 0.5, TimeSpan.FromSeconds(10))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
