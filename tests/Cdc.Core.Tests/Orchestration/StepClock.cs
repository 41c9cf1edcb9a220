namespace Cdc.Core.Tests.Orchestration;

/// <summary>A clock that moves only when the test says so; its timers fire when it passes their due time. It keeps
/// every timer's delay and lets the test wait for the next one to be set.</summary>
internal sealed class StepClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<StepTimer> _timers = [];
    private readonly SemaphoreSlim _created = new(0);
    private DateTimeOffset _now = start;

    public List<TimeSpan> Delays { get; } = [];

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new StepTimer(this, callback, state);
        lock (_gate)
        {
            Delays.Add(dueTime);
            timer.Due = _now + dueTime;
            _timers.Add(timer);
        }
        _created.Release();
        return timer;
    }

    /// <summary>Waits (bounded, so a broken test fails instead of hanging) until a timer is set.</summary>
    public async Task WaitForTimerAsync()
    {
        if (!await _created.WaitAsync(TimeSpan.FromSeconds(30))) throw new TimeoutException("No timer was set.");
    }

    public void Advance(TimeSpan by)
    {
        List<StepTimer> due;
        lock (_gate)
        {
            _now += by;
            due = [.. _timers.Where(t => t.Due <= _now)];
            foreach (var timer in due) _timers.Remove(timer);
        }
        foreach (var timer in due) timer.Fire();
    }

    private sealed class StepTimer(StepClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate) Due = clock._now + dueTime;
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
