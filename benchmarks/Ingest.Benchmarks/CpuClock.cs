using System.Diagnostics;
using System.Globalization;

namespace Ingest.Benchmarks;

/// <summary>CPU seconds spent by this process and by the PostgreSQL server processes, to see where a run's work goes.</summary>
internal sealed class CpuClock
{
    private readonly TimeSpan _process = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly double _postgres = PostgresSeconds();

    public string Elapsed()
    {
        var process = (Process.GetCurrentProcess().TotalProcessorTime - _process).TotalSeconds;
        var postgres = PostgresSeconds() - _postgres;
        return $"CPU: ingest process {process:0.00} s, PostgreSQL servers {postgres:0.00} s";
    }

    /// <summary>utime + stime of every live process named postgres (clock ticks are 1/100 s on Linux).</summary>
    private static double PostgresSeconds()
    {
        double ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                if (close < 0 || !stat.AsSpan(0, close).EndsWith("(postgres", StringComparison.Ordinal)) continue;
                var fields = stat[(close + 2)..].Split(' ');
                ticks += double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return ticks / 100;
    }
}
