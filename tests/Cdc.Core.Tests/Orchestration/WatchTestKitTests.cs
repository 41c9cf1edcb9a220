using System.Collections.Concurrent;
using System.Threading.Channels;
using Cdc.Core.Model;
using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Tests.Orchestration;

/// <summary>
/// A clock that moves only when told to, with timers, so a loop waiting on <c>Task.Delay(…, TimeProvider)</c> can be
/// stepped one wake-up at a time. Waits here are bounded only so a broken loop fails the test instead of hanging it.
/// </summary>
internal sealed class WatchFakeClock(DateTimeOffset start) : TimeProvider
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(20);

    private readonly Lock _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now = start;
    private int _created;
    private TaskCompletionSource _createdSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public int TimersCreated
    {
        get
        {
            lock (_gate) return _created;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        TaskCompletionSource signal;
        lock (_gate)
        {
            timer.Due = dueTime == Timeout.InfiniteTimeSpan ? null : _now + dueTime;
            timer.Period = period;
            _timers.Add(timer);
            _created++;
            signal = _createdSignal;
            _createdSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        signal.TrySetResult();
        return timer;
    }

    /// <summary>Waits until <paramref name="count"/> timers have been created in all: the loop has parked again.</summary>
    public async Task WaitForTimersAsync(int count)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_created >= count) return;
                next = _createdSignal.Task;
            }
            await next.WaitAsync(HangGuard);
        }
    }

    /// <summary>Moves to the earliest pending timer, fires it and waits until the loop waits again.</summary>
    public async Task TickAsync()
    {
        var created = TimersCreated;
        DateTimeOffset due;
        lock (_gate)
        {
            due = _timers.Where(t => t.Due is not null).Min(t => t.Due) ?? throw new InvalidOperationException("Nothing is waiting on the clock.");
        }
        AdvanceTo(due);
        await WaitForTimersAsync(created + 1);
    }

    /// <summary>Ticks until <paramref name="condition"/> holds, at most <paramref name="ticks"/> times.</summary>
    public async Task TickUntilAsync(Func<bool> condition, int ticks = 10)
    {
        for (var i = 0; i < ticks && !condition(); i++) await TickAsync();
        condition().Should().BeTrue($"the condition should hold within {ticks} ticks");
    }

    /// <summary>Moves the clock (possibly far), firing every timer due by then; returns how many fired.</summary>
    public int Jump(TimeSpan by) => AdvanceTo(GetUtcNow() + by);

    /// <summary><see cref="Jump"/>, then waits until the loop waits again if a timer fired.</summary>
    public async Task JumpAsync(TimeSpan by)
    {
        var created = TimersCreated;
        if (Jump(by) > 0) await WaitForTimersAsync(created + 1);
    }

    private int AdvanceTo(DateTimeOffset time)
    {
        List<FakeTimer> due;
        lock (_gate)
        {
            _now = time;
            due = _timers.Where(t => t.Due <= time).OrderBy(t => t.Due).ToList();
            foreach (var timer in due) timer.Due = timer.Period > TimeSpan.Zero && timer.Period != Timeout.InfiniteTimeSpan ? time + timer.Period : null;
        }
        foreach (var timer in due) timer.Fire();
        return due.Count;
    }

    private sealed class FakeTimer(WatchFakeClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan Period { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                Period = period;
            }
            return true;
        }

        public void Dispose()
        {
            lock (clock._gate) clock._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Records the steps the loop starts. Steps finish at once unless held; a held step finishes when the test
/// says so, or is cancelled with the token the loop gave it.</summary>
internal sealed class FakeWatchRunner : IWatchRunner
{
    private readonly Channel<WatchFakeStep> _started = Channel.CreateUnbounded<WatchFakeStep>();
    private readonly ConcurrentQueue<string> _calls = new();

    /// <summary>Keys ("run orders", "ingest orders public.customers") of steps to hold until finished by hand.</summary>
    public ConcurrentDictionary<string, bool> Hold { get; } = new();

    /// <summary>Thrown by the next run of a pipeline (by name), once.</summary>
    public ConcurrentDictionary<string, Exception> FailNextRun { get; } = new();

    public IReadOnlyList<string> Calls => _calls.ToList();

    public int Count(string key) => _calls.Count(c => c == key);

    public async Task<WatchFakeStep> NextStartedAsync() => await _started.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));

    public Task<WatchStepResult> RunPipelineAsync(PipelineDefinition pipeline, CancellationToken ct)
    {
        if (FailNextRun.TryRemove(pipeline.Name, out var failure))
        {
            _calls.Enqueue($"run {pipeline.Name}");
            return Task.FromException<WatchStepResult>(failure);
        }
        return Start($"run {pipeline.Name}", ct);
    }

    public Task<WatchStepResult> IngestTableAsync(PipelineDefinition pipeline, TableId table, CancellationToken ct) => Start($"ingest {pipeline.Name} {table}", ct);

    private Task<WatchStepResult> Start(string key, CancellationToken ct)
    {
        var step = new WatchFakeStep(key, ct);
        _calls.Enqueue(key);
        _started.Writer.TryWrite(step);
        if (!Hold.ContainsKey(key)) step.Finish();
        return step.Result;
    }
}

internal sealed class WatchFakeStep
{
    private readonly TaskCompletionSource<WatchStepResult> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WatchFakeStep(string key, CancellationToken token)
    {
        Key = key;
        Token = token;
        token.Register(() => _done.TrySetCanceled(token));
    }

    public string Key { get; }

    public CancellationToken Token { get; }

    public Task<WatchStepResult> Result => _done.Task;

    public void Finish(RunSummaryOutcome outcome = RunSummaryOutcome.Succeeded, string? error = null) =>
        _done.TrySetResult(new WatchStepResult($"run-of-{Key.Replace(' ', '-')}", outcome, [], error));
}

/// <summary>Staged commit sequences the test sets by hand.</summary>
internal sealed class WatchFakeCommitPoller : IWatchCommitPoller
{
    private readonly ConcurrentDictionary<(string Pipeline, TableId Table), long> _latest = new();
    private int _polls;

    public int Polls => Volatile.Read(ref _polls);

    public Exception? FailWith { get; set; }

    public void Commit(string pipeline, string table, long sequence) => _latest[(pipeline, TableId.Parse(table))] = sequence;

    public void Clear() => _latest.Clear();

    /// <summary>Whether each poll asked for a full listing, in order.</summary>
    public ConcurrentQueue<bool> FullListings { get; } = new();

    public Task<IReadOnlyDictionary<TableId, long>> LatestCommitsAsync(PipelineDefinition pipeline, bool fullListing, CancellationToken ct)
    {
        Interlocked.Increment(ref _polls);
        FullListings.Enqueue(fullListing);
        if (FailWith is { } failure) return Task.FromException<IReadOnlyDictionary<TableId, long>>(failure);
        IReadOnlyDictionary<TableId, long> latest = _latest.Where(l => l.Key.Pipeline == pipeline.Name).ToDictionary(l => l.Key.Table, l => l.Value);
        return Task.FromResult(latest);
    }
}

/// <summary>Keeps every log entry's event id and message.</summary>
internal sealed class WatchListLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(int EventId, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(int EventId, LogLevel Level, string Message)> Entries => _entries.ToList();

    public bool Has(int eventId) => _entries.Any(e => e.EventId == eventId);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
}

/// <summary>Tests that the kit itself behaves, since the loop tests lean on it.</summary>
public sealed class WatchTestKitTests
{
    [Fact]
    public async Task The_fake_clock_fires_a_delay_only_when_moved_past_it()
    {
        var clock = new WatchFakeClock(new DateTimeOffset(2024, 7, 1, 12, 0, 0, TimeSpan.Zero));
        var delay = Task.Delay(TimeSpan.FromSeconds(5), clock);

        await clock.WaitForTimersAsync(1);
        delay.IsCompleted.Should().BeFalse();
        clock.Jump(TimeSpan.FromSeconds(4)).Should().Be(0);
        delay.IsCompleted.Should().BeFalse();
        clock.Jump(TimeSpan.FromSeconds(1)).Should().Be(1);
        await delay.WaitAsync(TimeSpan.FromSeconds(20));
        clock.GetUtcNow().Should().Be(new DateTimeOffset(2024, 7, 1, 12, 0, 5, TimeSpan.Zero));
    }
}
