namespace Ingest.Benchmarks;

/// <summary>The process's peak resident set size (VmHWM), the number an out-of-memory killer would see.</summary>
internal static class PeakMemory
{
    public static long Bytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        return -1;
    }

    /// <summary>Resets the peak to the current size (Linux: writing 5 to clear_refs), so a phase is measured alone.</summary>
    public static void Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            // Older kernels: the peak then includes set-up, which only overstates it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
