using System.Diagnostics;
using Cdc.Core.Local;
using Cdc.Core.Runs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ingest.Benchmarks;

/// <summary>
/// One million changes at the source (60% updates, 30% inserts, 10% deletes, in ten transactions), captured, staged and
/// applied, beside a hand-written set-based apply of the same net changes (COPY them in, DELETE ... USING,
/// INSERT ... ON CONFLICT DO UPDATE).
/// </summary>
internal static class ChangesBenchmark
{
    private const long Updates = 600_000;
    private const long Inserts = 300_000;
    private const long Deletes = 100_000;
    private const long DeleteFrom = 700_000;
    private const int Rounds = 10;

    public static async Task<int> RunAsync(LocalPostgres server, string source, string target, string staging, long rows, CancellationToken ct)
    {
        if (rows < DeleteFrom + Deletes) throw new ArgumentException($"the changes benchmark needs at least {DeleteFrom + Deletes:N0} base rows");
        var pipeline = BenchPipeline.Create(source, target, staging);
        var components = PipelineComponentsFactory.Create(pipeline, NullLoggerFactory.Instance);
        var initial = await new PipelineRunner(components, TimeProvider.System, NullLoggerFactory.Instance).RunAsync(pipeline, RunRequest.Manual(), null, ct);
        if (initial.Outcome != RunOutcome.Succeeded) throw new InvalidOperationException("initial snapshot failed");
        await BenchTable.ExecuteAsync(target, $"""
            CREATE SCHEMA baseline;
            CREATE TABLE baseline.{BenchTable.Name} ({BenchTable.Columns});
            INSERT INTO baseline.{BenchTable.Name} SELECT * FROM ingest_bench.{BenchTable.Name};
            CREATE TABLE baseline.upserts ({BenchTable.Columns.Replace(" PRIMARY KEY", "", StringComparison.Ordinal)});
            CREATE TABLE baseline.deletes (id bigint);
            ANALYZE baseline.{BenchTable.Name};
            """, ct);

        var changeWatch = Stopwatch.StartNew();
        for (var round = 0; round < Rounds; round++)
        {
            long U(long n) => round * (n / Rounds);
            await BenchTable.ExecuteAsync(source, $"""
                BEGIN;
                UPDATE {BenchTable.Schema}.{BenchTable.Name} SET amount = amount + 1, description = md5(id::text || 'u') || ' updated', updated_at = timestamp '2025-01-01' + (id || ' ms')::interval
                  WHERE id BETWEEN {U(Updates) + 1} AND {U(Updates) + Updates / Rounds};
                INSERT INTO {BenchTable.Schema}.{BenchTable.Name} {BenchTable.Generated(rows + U(Inserts) + 1, rows + U(Inserts) + Inserts / Rounds, version: 1)};
                DELETE FROM {BenchTable.Schema}.{BenchTable.Name} WHERE id BETWEEN {DeleteFrom + U(Deletes) + 1} AND {DeleteFrom + U(Deletes) + Deletes / Rounds};
                COMMIT;
                """, ct);
        }
        Console.WriteLine($"source: {Updates + Inserts + Deletes:N0} changes made in {changeWatch.Elapsed.TotalSeconds:0.0} s ({Updates:N0} updates, {Inserts:N0} inserts, {Deletes:N0} deletes, {Rounds} transactions)");

        // Ingest, step by step so capture and apply are timed apart.
        await using var sourceConnector = components.CreateSource();
        await using var targetWriter = components.CreateTarget();
        var tables = await sourceConnector.DiscoverAsync(FlowPlanner.Selections(pipeline), ct);
        var gateway = new GatewayStep(sourceConnector, components.Staging, components.States, GatewaySettings.From(pipeline), TimeProvider.System, NullLogger.Instance);
        GC.Collect();
        PeakMemory.Reset();
        var watch = Stopwatch.StartNew();
        var staged = await gateway.RunAsync("bench-changes", tables, new HashSet<Cdc.Core.Model.TableId>(), null, ct);
        var captureTime = watch.Elapsed;
        var ingest = new IngestStep(targetWriter, components.Staging, TimeProvider.System, NullLogger.Instance);
        var applyWatch = Stopwatch.StartNew();
        foreach (var flow in FlowPlanner.Flows(pipeline, tables))
        {
            var applied = await ingest.ApplyAsync("bench-changes", flow, null, ct);
            if (applied.Error is not null) throw new InvalidOperationException(applied.Error);
        }
        var applyTime = applyWatch.Elapsed;
        var peak = PeakMemory.Bytes();
        var changes = Updates + Inserts + Deletes;
        SnapshotBenchmark.Report("ingest capture + stage (gateway)", changes, captureTime);
        SnapshotBenchmark.Report("ingest apply (staged batches -> target)", changes, applyTime);
        SnapshotBenchmark.Report("ingest end to end", changes, captureTime + applyTime);
        Console.WriteLine($"staged: {staged.Values.Sum(s => s.RowsStaged):N0} change rows, {staged.Values.Sum(s => s.BytesStaged) / 1048576.0:0.0} MB compressed; peak RSS {peak / 1048576.0:0} MB");

        var baselineWatch = Stopwatch.StartNew();
        await NativeCopy.PipeAsync(NativeCopy.Uri(server.Port, "bench_source"),
            $"SELECT * FROM {BenchTable.Schema}.{BenchTable.Name} WHERE id <= {Updates} OR id > {rows}",
            NativeCopy.Uri(server.Port, "bench_target"), "baseline.upserts", ct);
        await NativeCopy.PipeAsync(NativeCopy.Uri(server.Port, "bench_source"),
            $"SELECT g FROM generate_series({DeleteFrom + 1}, {DeleteFrom + Deletes}) g",
            NativeCopy.Uri(server.Port, "bench_target"), "baseline.deletes", ct);
        var set = string.Join(", ", new[] { "account_id", "amount", "ratio", "active", "ref", "event_date", "created_at", "updated_at", "category", "description" }.Select(c => $"{c} = EXCLUDED.{c}"));
        await BenchTable.ExecuteAsync(target, $"""
            BEGIN;
            DELETE FROM baseline.{BenchTable.Name} e USING baseline.deletes d WHERE e.id = d.id;
            INSERT INTO baseline.{BenchTable.Name} SELECT * FROM baseline.upserts ON CONFLICT (id) DO UPDATE SET {set};
            COMMIT;
            """, ct);
        SnapshotBenchmark.Report("hand-written set-based apply (COPY net changes in, DELETE USING, INSERT ON CONFLICT)", changes, baselineWatch.Elapsed);
        Console.WriteLine($"ratio ingest apply / hand-written: {baselineWatch.Elapsed.TotalSeconds / applyTime.TotalSeconds:0.00}x (target >= 0.5x); end to end: {baselineWatch.Elapsed.TotalSeconds / (captureTime + applyTime).TotalSeconds:0.00}x");

        var expected = await BenchTable.FingerprintAsync(source, BenchTable.Schema, ct);
        var actual = await BenchTable.FingerprintAsync(target, "ingest_bench", ct);
        var baseline = await BenchTable.FingerprintAsync(target, "baseline", ct);
        if (expected != actual) throw new InvalidOperationException($"ingest target differs from source: {actual} vs {expected}");
        if (expected != baseline) throw new InvalidOperationException($"baseline differs from source: {baseline} vs {expected}");
        Console.WriteLine("check: ingest target and hand-written baseline both equal the source");
        return 0;
    }
}
