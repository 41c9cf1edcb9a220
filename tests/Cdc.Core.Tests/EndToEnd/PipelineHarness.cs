using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Cdc.Core.Tests.Crash;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Tests.EndToEnd;

/// <summary>
/// A source database with the randomized workload's tables, a target database, a staging area and a pipeline over
/// them: every workload table mirrored (SCD 1), and the composite-key table also kept as history (SCD 2).
/// </summary>
public sealed class PipelineHarness : IAsyncDisposable
{
    public const string TargetSchema = "mirror";
    public const string HistoryTable = "Order Details history";

    private readonly string? _stagingFolder;

    private PipelineHarness(string source, string target, string staging, string? stagingFolder, int seed)
    {
        Source = source;
        Target = target;
        _stagingFolder = stagingFolder;
        Workload = new SourceWorkload(source, seed);
        var slot = $"ingest_e2e_{Guid.NewGuid():N}"[..30];
        Pipeline = new PipelineDefinition
        {
            Name = "e2e",
            Source = new SourceDefinition { Kind = SourceKind.Postgres, Connection = source, Slot = slot, Publication = slot },
            Objects =
            [
                .. Workload.Tables.Select(t => new ObjectDefinition { Schema = t.Schema, Table = t.Name }),
                new ObjectDefinition { Schema = "select", Table = "Order Details", ScdType = 2, DestinationTable = HistoryTable },
            ],
            Staging = new StagingDefinition { Location = staging, Container = "e2e" },
            Destination = new DestinationDefinition { Kind = DestinationKind.Postgres, Connection = target, Schema = TargetSchema },
            // Small chunks and batches so every run crosses several chunk and batch boundaries.
            Run = new RunSettings { Parallelism = 2, SnapshotChunkRows = 1000, MaxBatchRows = 1000 },
        };
    }

    public string Source { get; }
    public string Target { get; }
    public SourceWorkload Workload { get; }
    public PipelineDefinition Pipeline { get; }

    /// <summary>Moves the lease clock, so a run that crashed holding the lease does not block the next one.</summary>
    public ShiftedTime Time { get; } = new();

    public static async Task<PipelineHarness> CreateAsync(PostgresFixture postgres, int seed, string? stagingConnection = null)
    {
        var source = await postgres.NewDatabaseAsync("src");
        var target = await postgres.NewDatabaseAsync("tgt");
        var folder = stagingConnection is null ? Directory.CreateTempSubdirectory("ingest-e2e-").FullName : null;
        var harness = new PipelineHarness(source, target, stagingConnection ?? folder!, folder, seed);
        await harness.Workload.CreateTablesAsync();
        return harness;
    }

    /// <summary>One run; with a fault plan, the run dies at the plan's operation.</summary>
    public Task<RunResult> RunAsync(FaultPlan? plan = null, params TableId[] fullRefresh)
    {
        var overrides = plan is null
            ? new ComponentOverrides(Time: Time, StagingSettings: SmallParts)
            : new ComponentOverrides(
                WrapStore: store => new FaultyStagingStore(store, plan),
                WrapSource: source => new FaultySourceConnector(source, plan),
                WrapTarget: target => new FaultyTargetWriter(target, plan),
                Time: Time,
                StagingSettings: SmallParts);
        var components = PipelineComponentsFactory.Create(Pipeline, NullLoggerFactory.Instance, overrides);
        var runner = new PipelineRunner(components, Time, NullLoggerFactory.Instance);
        return runner.RunAsync(Pipeline, new RunRequest(RunRequest.NewRunId(), RunTrigger.Manual, fullRefresh.ToHashSet()), null, CancellationToken.None);
    }

    private static StagingAreaSettings SmallParts => new() { PartMaxRows = 400 };

    /// <summary>Every mirrored table equals its source row for row; the history's current rows equal the source and
    /// its versions chain without gaps, overlaps or repeats.</summary>
    public async Task AssertConvergedAsync(string when)
    {
        foreach (var table in Workload.Tables)
        {
            var columns = table.Columns.Select(c => c.Name).ToList();
            var expected = await TableComparer.ReadAsync(Source, table.Schema, table.Name, columns, table.Keys);
            expected.Should().NotBeEmpty($"{when}: the workload keeps rows in {table.Schema}.{table.Name}");
            var actual = await TableComparer.ReadAsync(Target, TargetSchema, table.Name, columns, table.Keys);
            actual.ShouldEqual(expected, columns, $"{when}: {TargetSchema}.{table.Name}");
            if (table.Name != "Order Details") continue;

            var current = await TableComparer.ReadAsync(Target, TargetSchema, HistoryTable, columns, table.Keys, "\"__END_AT\" IS NULL");
            current.ShouldEqual(expected, columns, $"{when}: current rows of {TargetSchema}.{HistoryTable}");
            var versions = await TableComparer.ReadAsync(Target, TargetSchema, HistoryTable, [.. columns, "__START_AT", "__END_AT"], [.. table.Keys, "__START_AT"]);
            AssertHistoryChains(versions, table.Keys.Count, columns.Count, when);
        }
    }

    private static void AssertHistoryChains(List<string?[]> versions, int keyCount, int valueCount, string when)
    {
        for (var i = 1; i < versions.Count; i++)
        {
            var previous = versions[i - 1];
            var row = versions[i];
            if (!row.Take(keyCount).SequenceEqual(previous.Take(keyCount))) continue;
            var key = string.Join(", ", row.Take(keyCount));
            previous[valueCount + 1].Should().NotBeNull($"{when}: key ({key}) has a version after one that is still open");
            string.CompareOrdinal(previous[valueCount + 1], row[valueCount]).Should().BeLessThanOrEqualTo(0, $"{when}: versions of key ({key}) overlap");
            if (previous[valueCount + 1] == row[valueCount])
                row.Take(valueCount).SequenceEqual(previous.Take(valueCount)).Should().BeFalse($"{when}: key ({key}) has two consecutive identical versions (a duplicate)");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stagingFolder is not null)
        {
            try
            {
                Directory.Delete(_stagingFolder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        await Task.CompletedTask;
    }
}

/// <summary>System time, shifted on demand.</summary>
public sealed class ShiftedTime : TimeProvider
{
    public TimeSpan Shift { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;

    /// <summary>Past any lease a crashed run left behind.</summary>
    public void PassLeaseExpiry() => Shift += TimeSpan.FromMinutes(5);
}
