using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Cdc.Core.State;
using Cdc.Core.Tests.Crash;
using Cdc.Core.Tests.EndToEnd;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>How a harness's pipeline treats its source.</summary>
public sealed record SqlHarnessOptions(RetentionGapPolicy OnRetentionGap = RetentionGapPolicy.Resnapshot, bool ManageCaptureInstances = false);

/// <summary>
/// A SQL Server source database with workload tables, a SQL Server target database, a staging folder and a pipeline
/// over them: every workload table mirrored (SCD 1) into <c>mirror</c>, and one also kept as history (SCD 2). A
/// heap is selected with its declared keys, and a table with a primary key that the workload captures through CDC
/// with <c>capture_mode: cdc</c>; the rest take the source's <c>auto</c>.
/// </summary>
public sealed class SqlPipelineHarness : IAsyncDisposable
{
    public const string TargetSchema = "mirror";

    private readonly string _stagingFolder;

    private SqlPipelineHarness(string source, string target, string stagingFolder, SqlWorkloadSet set, int seed, SqlHarnessOptions options)
    {
        Source = source;
        Target = target;
        _stagingFolder = stagingFolder;
        Workload = new SqlSourceWorkload(source, set.Tables, seed);
        History = set.History?.Id;
        Harvest = set.UsesCdc ? new CdcHarvest(source) : null;
        var objects = new List<ObjectDefinition>();
        foreach (var table in set.Tables)
        {
            objects.Add(ObjectFor(table, scdType: null, destinationTable: null));
            if (table.Id == History) objects.Add(ObjectFor(table, scdType: 2, HistoryTable(table)));
        }
        Pipeline = new PipelineDefinition
        {
            Name = "sqlserver-e2e",
            Source = new SourceDefinition
            {
                Kind = SourceKind.SqlServer,
                Connection = source,
                OnRetentionGap = options.OnRetentionGap,
                ManageCaptureInstances = options.ManageCaptureInstances,
            },
            Objects = objects,
            Staging = new StagingDefinition { Location = stagingFolder },
            Destination = new DestinationDefinition { Kind = DestinationKind.SqlServer, Connection = target, Schema = TargetSchema },
            // Hundreds of rows in chunks and batches of 100: every run crosses several chunk and batch boundaries.
            Run = new RunSettings { Parallelism = 2, SnapshotChunkRows = 100, MaxBatchRows = 100 },
        };
    }

    public string Source { get; }
    public string Target { get; }
    public SqlSourceWorkload Workload { get; }
    public PipelineDefinition Pipeline { get; }

    /// <summary>The table also kept as history, when the set has one.</summary>
    public TableId? History { get; }

    /// <summary>Present when any table is captured through CDC.</summary>
    public CdcHarvest? Harvest { get; }

    /// <summary>Moves the lease clock, so a run that crashed holding the lease does not block the next one.</summary>
    public ShiftedTime Time { get; } = new();

    public static string HistoryTable(SqlWorkloadTable table) => table.Name + " history";

    public static async Task<SqlPipelineHarness> CreateAsync(SqlServerFixture sqlServer, SqlWorkloadSet set, int seed, SqlHarnessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sqlServer);
        ArgumentNullException.ThrowIfNull(set);
        var source = await sqlServer.NewDatabaseAsync("ingest_e2e_src");
        var target = await sqlServer.NewDatabaseAsync("ingest_e2e_tgt");
        var folder = Directory.CreateTempSubdirectory("ingest-sqlserver-e2e-").FullName;
        var harness = new SqlPipelineHarness(source, target, folder, set, seed, options ?? new SqlHarnessOptions());
        try
        {
            if (harness.Harvest is not null) await SqlTestDatabase.ExecuteAsync(source, SqlWorkloadSql.EnableCdcForDatabase);
            await harness.Workload.CreateTablesAsync();
            if (harness.Harvest is { } harvest)
            {
                await harvest.CreateMarkerAsync();
                await harvest.SpeedUpCaptureJobAsync();
                await harvest.WaitAsync("the creation of the capture instances");
            }
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>One round of random changes at the source; with CDC, returns once the capture job has harvested it.</summary>
    public async Task ChangeAsync(int inserts = 25, int updates = 15, int deletes = 6, int keyChanges = 2, Func<SqlWorkloadTable, bool>? only = null)
    {
        await Workload.RunRoundAsync(inserts, updates, deletes, keyChanges, only);
        await HarvestedAsync($"a round of {inserts} inserts, {updates} updates, {deletes} deletes and {keyChanges} key changes");
    }

    /// <summary>With CDC, waits until everything committed so far is harvested; without, returns at once.</summary>
    public Task HarvestedAsync(string what) => Harvest?.WaitAsync(what) ?? Task.CompletedTask;

    /// <summary>One run; with a fault plan, the run dies at the plan's operation.</summary>
    public Task<RunResult> RunAsync(FaultPlan? plan = null, IProgress<RunEvent>? progress = null, params TableId[] fullRefresh)
    {
        var components = PipelineComponentsFactory.Create(Pipeline, NullLoggerFactory.Instance, Overrides(plan));
        var runner = new PipelineRunner(components, Time, NullLoggerFactory.Instance);
        return runner.RunAsync(Pipeline, new RunRequest(RunRequest.NewRunId(), RunTrigger.Manual, fullRefresh.ToHashSet()), progress, CancellationToken.None);
    }

    /// <summary>The gateway's checkpoint of a table, as the staging store keeps it.</summary>
    public async Task<TableGatewayState?> ReadStateAsync(TableId table)
    {
        var components = PipelineComponentsFactory.Create(Pipeline, NullLoggerFactory.Instance, Overrides(null));
        return (await components.States.ReadTableAsync(table, CancellationToken.None))?.Value;
    }

    private ComponentOverrides Overrides(FaultPlan? plan) => plan is null
        ? new ComponentOverrides(Time: Time, StagingSettings: SmallParts)
        : new ComponentOverrides(
            WrapStore: store => new FaultyStagingStore(store, plan),
            WrapSource: source => new FaultySourceConnector(source, plan),
            WrapTarget: target => new FaultyTargetWriter(target, plan),
            Time: Time,
            StagingSettings: SmallParts);

    private static StagingAreaSettings SmallParts => new() { PartMaxRows = 40 };

    /// <summary>Every mirrored table equals its source row for row and value for value; the history's current versions
    /// equal the source, and its versions chain without gaps, overlaps or repeats.</summary>
    public async Task AssertConvergedAsync(string when)
    {
        foreach (var table in Workload.Tables)
        {
            var expected = await ReadSourceAsync(table);
            expected.Should().NotBeEmpty($"{when}: the workload keeps rows in {table.Id}");
            var actual = await SqlTableReader.ReadAsync(Target, TargetSchema, table.Name, table.Columns, table.Keys);
            actual.ShouldEqualRows(expected, table.Columns, table.Keys.Count, $"{when}: {TargetSchema}.{table.Name}");
            if (table.Id != History) continue;

            var history = HistoryTable(table);
            var current = await SqlTableReader.ReadAsync(Target, TargetSchema, history, table.Columns, table.Keys, $"t.[{SqlTableReader.EndAt}] IS NULL");
            current.ShouldEqualRows(expected, table.Columns, table.Keys.Count, $"{when}: current versions of {TargetSchema}.{history}");
            var versions = await SqlTableReader.ReadHistoryAsync(Target, TargetSchema, history, table.Columns, table.Keys);
            versions.Should().HaveCountGreaterThanOrEqualTo(current.Count, $"{when}: {TargetSchema}.{history} keeps at least the current versions");
            versions.ShouldChain(table.Keys.Count, $"{when}: {TargetSchema}.{history}");
        }
    }

    public Task<List<string?[]>> ReadSourceAsync(SqlWorkloadTable table) =>
        SqlTableReader.ReadAsync(Source, table.Schema, table.Name, table.Columns, table.Keys);

    public Task<List<string?[]>> ReadTargetAsync(SqlWorkloadTable table) =>
        SqlTableReader.ReadAsync(Target, TargetSchema, table.Name, table.Columns, table.Keys);

    public static string Describe(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Error ?? string.Join("; ", result.Tables
            .Select(t => t.Error ?? string.Join(", ", t.Flows.Select(f => f.Error).Where(e => e is not null)))
            .Where(e => !string.IsNullOrEmpty(e)));
    }

    public async ValueTask DisposeAsync()
    {
        if (Harvest is not null)
        {
            try
            {
                await Harvest.StopCaptureJobAsync();
            }
            catch (Microsoft.Data.SqlClient.SqlException)
            {
                // The database goes when the collection ends; its job goes with it.
            }
        }
        try
        {
            Directory.Delete(_stagingFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private static ObjectDefinition ObjectFor(SqlWorkloadTable table, int? scdType, string? destinationTable) => new()
    {
        Schema = table.Schema,
        Table = table.Name,
        Keys = table.HasPrimaryKey ? null : table.Keys,
        CaptureMode = table.Capture == SqlCapture.CdcWithPrimaryKey ? CaptureMode.Cdc : null,
        ScdType = scdType,
        DestinationTable = destinationTable,
    };
}
