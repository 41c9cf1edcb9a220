using System.Diagnostics;

namespace Ingest.Benchmarks;

/// <summary>PostgreSQL's own <c>COPY ... TO STDOUT | COPY ... FROM STDIN</c> between two databases, through psql.</summary>
internal static class NativeCopy
{
    public static async Task<TimeSpan> PipeAsync(string sourceUri, string query, string targetUri, string targetTable, CancellationToken cancellationToken)
    {
        var script = $"psql -X -q \"{sourceUri}\" -c \"COPY ({query}) TO STDOUT\" | psql -X -q \"{targetUri}\" -c \"COPY {targetTable} FROM STDIN\"";
        var info = new ProcessStartInfo("bash") { RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-o");
        info.ArgumentList.Add("pipefail");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start bash.");
        var errors = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        watch.Stop();
        if (process.ExitCode != 0) throw new InvalidOperationException($"native copy failed: {errors}");
        return watch.Elapsed;
    }

    /// <summary>A postgres:// URI for psql from the loopback server's port and database.</summary>
    public static string Uri(int port, string database) => $"postgresql://postgres@127.0.0.1:{port}/{database}";
}
