using Cdc.Core.Runs;

namespace Cdc.Core.Metering;

/// <summary>Keeps every event of a run, in the order reported, and passes each on to the caller's progress.</summary>
internal sealed class RunEventRecorder(IProgress<RunEvent>? next) : IProgress<RunEvent>
{
    private readonly List<RunEvent> _events = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<RunEvent> Events
    {
        get
        {
            lock (_gate) return [.. _events];
        }
    }

    public void Report(RunEvent value)
    {
        lock (_gate) _events.Add(value);
        next?.Report(value);
    }
}
