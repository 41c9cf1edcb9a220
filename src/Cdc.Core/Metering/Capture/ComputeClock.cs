using System.Diagnostics;

namespace Cdc.Core.Metering;

/// <summary>Wall-clock and process CPU time of a run. CPU time is the whole process's, so runs sharing a process
/// (a Functions instance) share it; the wall clock is what Flex Consumption bills.</summary>
internal sealed class ComputeClock
{
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly TimeSpan _cpuAtStart;

    private ComputeClock(TimeProvider time)
    {
        _time = time;
        _started = time.GetTimestamp();
        _cpuAtStart = ProcessCpu();
    }

    public static ComputeClock Start(TimeProvider time) => new(time);

    public (double WallSeconds, double CpuSeconds) Stop() =>
        (_time.GetElapsedTime(_started).TotalSeconds, Math.Max(0, (ProcessCpu() - _cpuAtStart).TotalSeconds));

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
