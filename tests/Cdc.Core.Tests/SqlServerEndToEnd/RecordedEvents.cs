using Cdc.Core.Runs;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>Keeps every event a run reports, synchronously (Progress&lt;T&gt; would post them later).</summary>
public sealed class RecordedEvents : IProgress<RunEvent>
{
    private readonly List<RunEvent> _events = [];

    public void Report(RunEvent value)
    {
        lock (_events) _events.Add(value);
    }

    public IReadOnlyList<T> Of<T>()
        where T : RunEvent
    {
        lock (_events) return _events.OfType<T>().ToList();
    }
}
