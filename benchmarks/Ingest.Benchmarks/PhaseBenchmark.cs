using Cdc.Core.Sources;
using System.Diagnostics;
using Cdc.Core.Runs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Benchmarks;

/// <summary>The snapshot's gateway and ingest steps one after the other, each timed with its CPU, to find hot spots.</summary>
internal static class PhaseBenchmark
{
    public static async Task<int> RunAsync(string source, string target, string staging, long rows, CancellationToken ct)
    {
        var pipeline = BenchPipeline.Create(source, target, staging);
        var components = PipelineComponentsFactory.Create(pipeline, NullLoggerFactory.Instance);
        await using var sourceConnector = components.CreateSource();
        await using var targetWriter = components.CreateTarget();
        var tables = await sourceConnector.DiscoverAsync(FlowPlanner.Selections(pipeline), ct);
        await sourceConnector.PrepareAsync(tables, ct);
        await sourceConnector.BeginSnapshotAsync(tables[0], null, ct);
        var readCpu = new CpuClock();
        var readWatch = Stopwatch.StartNew();
        long sourceRows = 0;
        object?[]? last = null;
        while (true)
        {
            long chunk = 0;
            await foreach (var row in sourceConnector.ReadSnapshotChunkAsync(tables[0], last is null ? null : [last[0]], 250_000, ct)) { last = row; chunk++; }
            sourceRows += chunk;
            if (chunk < 250_000) break;
        }
        await sourceConnector.EndSnapshotAsync(tables[0], ct);
        Console.WriteLine($"source read alone ({sourceRows:N0} rows): {readWatch.Elapsed.TotalSeconds:0.00} s; {readCpu.Elapsed()}");

        var gateway = new GatewayStep(sourceConnector, components.Staging, components.States, GatewaySettings.From(pipeline), TimeProvider.System, NullLogger.Instance);
        var cpu = new CpuClock();
        var watch = Stopwatch.StartNew();
        await gateway.RunAsync("phases", tables, new HashSet<Cdc.Core.Model.TableId>(), null, ct);
        Console.WriteLine($"gateway alone: {watch.Elapsed.TotalSeconds:0.00} s; {cpu.Elapsed()}");

        cpu = new CpuClock();
        watch.Restart();
        long read = 0;
        foreach (var commit in await components.Staging.ListCommitsAsync(tables[0].Table, 0, ct))
            await foreach (var _ in components.Staging.ReadRowsAsync(commit, ct)) read++;
        Console.WriteLine($"staging read alone ({read:N0} rows): {watch.Elapsed.TotalSeconds:0.00} s; {cpu.Elapsed()}");

        var ingest = new IngestStep(targetWriter, components.Staging, TimeProvider.System, NullLogger.Instance);
        cpu = new CpuClock();
        watch.Restart();
        foreach (var flow in FlowPlanner.Flows(pipeline, tables)) await ingest.ApplyAsync("phases", flow, null, ct);
        Console.WriteLine($"ingest alone (read staging + load + swap): {watch.Elapsed.TotalSeconds:0.00} s; {cpu.Elapsed()}");
        return 0;
    }
}
