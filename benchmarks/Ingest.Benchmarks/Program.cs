using System.Diagnostics;
using System.Globalization;
using Cdc.Core.Local;
using Cdc.Core.Runs;
using Ingest.Benchmarks;
using Microsoft.Extensions.Logging.Abstractions;

// Usage: bench snapshot [rows]   (default 1,000,000)
//        bench changes [rows]    (default 1,000,000 base rows and 1,000,000 changes)
//        bench all               (snapshot 1M, snapshot 5M, changes 1M), each in its own process for clean peak memory
var scenario = args.Length > 0 ? args[0] : "all";
var rows = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
var ct = cancellation.Token;

if (scenario == "all")
{
    foreach (var (name, count) in new[] { ("snapshot", 1_000_000L), ("snapshot", 5_000_000L), ("changes", 1_000_000L) })
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(BenchTable).Assembly.Location);
        info.ArgumentList.Add(name);
        info.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture));
        using var child = Process.Start(info)!;
        await child.WaitForExitAsync(ct);
        if (child.ExitCode != 0) return child.ExitCode;
    }
    return 0;
}

await using var server = await LocalPostgres.StartAsync(cancellationToken: ct);
var source = await server.CreateDatabaseAsync("bench_source", ct);
var target = await server.CreateDatabaseAsync("bench_target", ct);
var staging = Directory.CreateTempSubdirectory("ingest-bench-staging-").FullName;
try
{
    Console.WriteLine($"# {scenario}, {rows:N0} rows, {Environment.ProcessorCount} cores, PostgreSQL on loopback (fsync off)");
    await BenchTable.CreateAsync(source, BenchTable.Schema, ct);
    await BenchTable.FillAsync(source, rows, ct);
    Console.WriteLine($"average row: {await BenchTable.AverageRowBytesAsync(source, ct):0} bytes (pg_column_size)");
    return scenario switch
    {
        "snapshot" => await SnapshotBenchmark.RunAsync(server, source, target, staging, rows, ct),
        "changes" => await ChangesBenchmark.RunAsync(server, source, target, staging, rows, ct),
        "phases" => await PhaseBenchmark.RunAsync(source, target, staging, rows, ct),
        _ => throw new ArgumentException($"unknown scenario '{scenario}': snapshot | changes | all"),
    };
}
finally
{
    Directory.Delete(staging, recursive: true);
}
