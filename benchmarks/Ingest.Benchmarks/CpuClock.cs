using System.Diagnostics;

namespace Ingest.Benchmarks;

/// <summary>CPU seconds this process spent, to compare with wall time (PostgreSQL's own CPU is not counted).</summary>
internal sealed class CpuClock
{
    private readonly TimeSpan _start = Process.GetCurrentProcess().TotalProcessorTime;

    public string Elapsed() => $"CPU of the ingest process: {(Process.GetCurrentProcess().TotalProcessorTime - _start).TotalSeconds:0.00} s";
}
