using System.Diagnostics;
using Cdc.Core.Local;
using Cdc.Core.Runs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Benchmarks;

/// <summary>Snapshot through staging into the target, beside native COPY | COPY of the same table.</summary>
internal static class SnapshotBenchmark
{
    public static async Task<int> RunAsync(LocalPostgres server, string source, string target, string staging, long rows, CancellationToken ct)
    {
        await BenchTable.CreateAsync(target, "native", ct);
        var native = await NativeCopy.PipeAsync(NativeCopy.Uri(server.Port, "bench_source"), $"SELECT * FROM {BenchTable.Schema}.{BenchTable.Name}",
            NativeCopy.Uri(server.Port, "bench_target"), $"native.{BenchTable.Name}", ct);
        Report("native COPY | COPY", rows, native);

        var pipeline = BenchPipeline.Create(source, target, staging);
        var runner = new PipelineRunner(PipelineComponentsFactory.Create(pipeline, NullLoggerFactory.Instance), TimeProvider.System, NullLoggerFactory.Instance);
        GC.Collect();
        PeakMemory.Reset();
        var baseline = PeakMemory.Bytes();
        var phases = new PhaseClock();
        var cpu = new CpuClock();
        var watch = Stopwatch.StartNew();
        var result = await runner.RunAsync(pipeline, RunRequest.Manual(), phases, ct);
        watch.Stop();
        if (result.Outcome != RunOutcome.Succeeded) throw new InvalidOperationException($"run failed: {result.Error} {string.Join("; ", result.Tables.Select(t => t.Error))}");
        var peak = PeakMemory.Bytes();
        Report("ingest snapshot (source -> staging -> target)", rows, watch.Elapsed);
        Console.WriteLine($"  {cpu.Elapsed()}");
        Console.WriteLine($"  of which gateway (read + stage) until the final chunk committed: {phases.FinalChunkStaged.TotalSeconds:0.00} s; ingest (load + swap) after it: {(phases.Applied - phases.FinalChunkStaged).TotalSeconds:0.00} s");
        Console.WriteLine($"ratio ingest / native: {native.TotalSeconds / watch.Elapsed.TotalSeconds:0.00}x (target >= 0.5x)");
        Console.WriteLine($"peak RSS during the run: {peak / 1048576.0:0} MB (process before the run: {baseline / 1048576.0:0} MB; target <= 300 MB)");
        Console.WriteLine($"staged: {result.Tables.Sum(t => t.BytesStaged) / 1048576.0:0.0} MB compressed in {result.Tables.Sum(t => t.BatchesStaged)} batches");

        var expected = await BenchTable.FingerprintAsync(source, BenchTable.Schema, ct);
        var actual = await BenchTable.FingerprintAsync(target, "ingest_bench", ct);
        if (expected != actual) throw new InvalidOperationException($"target differs from source: {actual} vs {expected}");
        Console.WriteLine("check: target equals source (count and content hash)");
        return 0;
    }

    /// <summary>Times the run's phases from its events.</summary>
    private sealed class PhaseClock : IProgress<RunEvent>
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();

        public TimeSpan FinalChunkStaged { get; private set; }
        public TimeSpan Applied { get; private set; }

        public void Report(RunEvent value)
        {
            if (value is SnapshotChunkStaged { Final: true }) FinalChunkStaged = _watch.Elapsed;
            if (value is BatchApplied) Applied = _watch.Elapsed;
        }
    }

    public static void Report(string what, long rows, TimeSpan elapsed) =>
        Console.WriteLine($"{what}: {elapsed.TotalSeconds:0.00} s, {rows / elapsed.TotalSeconds:N0} rows/s");
}
