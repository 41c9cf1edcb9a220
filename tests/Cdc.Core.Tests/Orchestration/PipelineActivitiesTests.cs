using System.Text.Json;
using Cdc.Core.Metering;
using Cdc.Core.Model;
using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Tests.Orchestration;

/// <summary>The real activities run in process over an in-memory source, a recording target and folder staging.</summary>
public sealed class PipelineActivitiesTests : IDisposable
{
    private static readonly PipelineDefinition Pipeline = new()
    {
        Name = "acts",
        Source = new SourceDefinition { Kind = SourceKind.Postgres, Connection = "unused" },
        Objects = [new ObjectDefinition { Schema = "public", Table = "alpha" }, new ObjectDefinition { Schema = "public", Table = "beta" }],
        Staging = new StagingDefinition { Location = "unused" },
        Destination = new DestinationDefinition { Kind = DestinationKind.Postgres, Connection = "unused", Schema = "mirror" },
        Tags = new Dictionary<string, string> { ["team"] = "data" },
        Run = new RunSettings { Parallelism = 2, SnapshotChunkRows = 2 },
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-activities-").FullName;
    private readonly LocalFolderStore _store;
    private readonly PipelineLease _lease;
    private readonly SnapshotOnlySource _source = new(("alpha", 3), ("beta", 5));
    private readonly TableTarget _target = new();
    private readonly List<string> _calls = [];

    public PipelineActivitiesTests()
    {
        _store = new LocalFolderStore(Path.Combine(_folder, "acts"));
        _lease = new PipelineLease(_store);
    }

    private PipelineActivities Activities(MeteringContext? metering = null) => new(
        new InMemoryPipelineCatalog(Pipeline),
        NullLoggerFactory.Instance,
        TimeProvider.System,
        new PipelineActivityOptions
        {
            LeaseDuration = TimeSpan.FromMinutes(1),
            Components = (_, overrides) => new PipelineComponents(
                new StagingArea(Wrap(overrides), NullLogger.Instance),
                new GatewayStateStore(Wrap(overrides)),
                new PipelineLease(Wrap(overrides)),
                new RunHistory(Wrap(overrides)),
                () => overrides.WrapSource?.Invoke(_source) ?? _source,
                () => overrides.WrapTarget?.Invoke(_target) ?? _target),
            Metering = metering is null ? null : _ => metering,
        });

    private IStagingStore Wrap(ComponentOverrides overrides) => overrides.WrapStore?.Invoke(_store) ?? _store;

    private LocalOrchestrationContext Context(MeteringContext? metering = null)
    {
        var dispatch = ActivityDispatcher.For(Activities(metering));
        return new LocalOrchestrationContext((name, input, ct) =>
        {
            lock (_calls) _calls.Add(Describe(name, input));
            return dispatch(name, input, ct);
        }, TimeProvider.System, CancellationToken.None, ActivityRetry.Once);
    }

    private Task<RunSummary> RunAsync(PipelineRunInput? input = null, MeteringContext? metering = null)
    {
        lock (_calls) _calls.Clear();
        return PipelineOrchestration.RunAsync(Context(metering), input ?? Input());
    }

    private static PipelineRunInput Input(string? runId = null) => new("acts", runId ?? RunRequest.NewRunId(), RunTrigger.Manual, [], null, null);

    private List<string> Calls(string activity)
    {
        lock (_calls) return [.. _calls.Where(c => c.StartsWith(activity, StringComparison.Ordinal))];
    }

    [Fact]
    public async Task The_first_run_snapshots_every_table_and_the_next_only_captures_and_applies()
    {
        var first = await RunAsync();

        first.Outcome.Should().Be(RunSummaryOutcome.Succeeded);
        Calls(ActivityNames.Snapshot).Should().BeEquivalentTo(["SnapshotTable public.alpha", "SnapshotTable public.beta"]);
        _target.Calls.Should().BeEquivalentTo(["alpha snapshot g1 rows=3", "beta snapshot g1 rows=5"]);
        first.Run!.Tables.Select(t => (t.Table.Name, t.RowsStaged, t.BatchesStaged)).Should().Equal(("alpha", 3, 2), ("beta", 5, 3));
        (await _lease.GetHolderAsync("acts", CancellationToken.None)).Should().BeNull("finishing released the lease");
        (await new RunHistory(_store).RecentAsync(5, CancellationToken.None)).Should().ContainSingle().Which.RunId.Should().Be(first.RunId);

        var second = await RunAsync();

        second.Outcome.Should().Be(RunSummaryOutcome.Succeeded);
        Calls(ActivityNames.Snapshot).Should().BeEmpty("both snapshots are complete");
        Calls(ActivityNames.Capture).Should().ContainSingle();
        Calls(ActivityNames.Ingest).Should().HaveCount(2);
        _target.Calls.Should().HaveCount(2, "nothing new was staged");
    }

    [Fact]
    public async Task A_failing_table_fails_alone_and_a_repair_applies_only_it()
    {
        _target.Failing.Add("beta");

        var failed = await RunAsync();

        failed.Outcome.Should().Be(RunSummaryOutcome.PartiallyFailed);
        failed.FailedTables.Should().Equal("public.beta");
        var beta = failed.Run!.Tables.Single(t => t.Table.Name == "beta");
        beta.Error.Should().BeNull("its snapshot was staged");
        beta.Flows.Should().ContainSingle().Which.Error.Should().Be("ingest into mirror.beta: beta is locked");
        _target.Calls.Should().Equal("alpha snapshot g1 rows=3");

        _target.Failing.Clear();
        var repair = await RunAsync(Input() with { Trigger = RunTrigger.Repair, RepairOf = failed.RunId });

        repair.Outcome.Should().Be(RunSummaryOutcome.Succeeded);
        Calls(ActivityNames.Ingest).Should().Equal("IngestTable public.beta");
        Calls(ActivityNames.Capture).Should().ContainSingle("every table is still captured");
        _target.Calls.Should().Equal("alpha snapshot g1 rows=3", "beta snapshot g1 rows=5");
        repair.Run!.Trigger.Should().Be(RunTrigger.Repair);
        repair.Run.Tables.Single(t => t.Table.Name == "alpha").Flows.Should().BeEmpty("a repair applies only the failed tables");
    }

    [Fact]
    public async Task A_full_refresh_snapshots_that_one_table_again()
    {
        await RunAsync();

        var refresh = await RunAsync(Input() with { FullRefresh = ["public.alpha"] });

        refresh.Outcome.Should().Be(RunSummaryOutcome.Succeeded);
        Calls(ActivityNames.Snapshot).Should().Equal("SnapshotTable public.alpha");
        _target.Calls.Should().HaveCount(3).And.EndWith("alpha snapshot g2 rows=3");
        var states = new GatewayStateStore(_store);
        (await states.ReadTableAsync(new TableId("public", "alpha"), CancellationToken.None))!.Value.SnapshotGeneration.Should().Be(2);
        (await states.ReadTableAsync(new TableId("public", "beta"), CancellationToken.None))!.Value.SnapshotGeneration.Should().Be(1);
    }

    [Fact]
    public async Task An_overlapping_run_is_refused_naming_the_run_that_holds_the_lease()
    {
        await using var held = await _lease.AcquireAsync("acts", "run-that-holds-it", TimeSpan.FromMinutes(5), CancellationToken.None);

        var refused = await RunAsync();

        refused.Outcome.Should().Be(RunSummaryOutcome.Refused);
        refused.Error.Should().Contain("run-that-holds-it").And.Contain("'acts'");
        lock (_calls) _calls.Should().Equal("PlanRun acts", "NotifyRun acts");
        _target.Calls.Should().BeEmpty();
        (await _lease.GetHolderAsync("acts", CancellationToken.None))!.RunId.Should().Be("run-that-holds-it");
        var local = () => LocalOrchestrator.RunPipelineAsync(Activities(), Input(), TimeProvider.System, ActivityRetry.Once, null, CancellationToken.None);
        (await local.Should().ThrowAsync<PipelineBusyException>()).Which.Holder.RunId.Should().Be("run-that-holds-it");
    }

    [Fact]
    public async Task Requests_the_pipeline_cannot_serve_fail_the_run_saying_why_and_release_the_lease()
    {
        var unknownRefresh = await RunAsync(Input() with { FullRefresh = ["public.nope"] });
        var unknownRepair = await RunAsync(Input() with { Trigger = RunTrigger.Repair, RepairOf = "no-such-run" });
        var badName = await RunAsync(Input() with { OnlyTables = ["public."] });

        unknownRefresh.Outcome.Should().Be(RunSummaryOutcome.Failed);
        unknownRefresh.Error.Should().Be("Full refresh asked for public.nope, which the pipeline does not capture.");
        unknownRepair.Error.Should().Be("Run no-such-run is not in the run history of pipeline 'acts', so there is nothing to repair.");
        badName.Error.Should().StartWith("The run's only tables lists 'public.'");
        _target.Calls.Should().BeEmpty();
        (await _lease.GetHolderAsync("acts", CancellationToken.None)).Should().BeNull();
        (await new RunHistory(_store).RecentAsync(5, CancellationToken.None)).Should().HaveCount(3);
    }

    [Fact]
    public async Task A_table_ingest_applies_one_table_without_taking_the_lease()
    {
        _target.Failing.Add("beta");
        await RunAsync();
        _target.Failing.Clear();
        await using var held = await _lease.AcquireAsync("acts", "gateway-run", TimeSpan.FromMinutes(5), CancellationToken.None);

        var summary = await PipelineOrchestration.IngestTableAsync(Context(), new TableIngestInput("acts", "blob-run", "public.beta"));

        summary.Outcome.Should().Be(RunSummaryOutcome.Succeeded);
        summary.Run!.Trigger.Should().Be(RunTrigger.BlobArrival);
        summary.Run.Tables.Should().ContainSingle().Which.Flows.Single().AppliedSequence.Should().Be(3);
        _target.Calls.Should().Equal("alpha snapshot g1 rows=3", "beta snapshot g1 rows=5");
        (await _lease.GetHolderAsync("acts", CancellationToken.None))!.RunId.Should().Be("gateway-run", "a table ingest neither takes nor releases the lease");
    }

    [Fact]
    public async Task A_metered_run_adds_up_its_activities_and_joins_their_events_into_one_log()
    {
        var deployment = new LocalFolderStore(Path.Combine(_folder, DeploymentStore.Prefix));
        var metering = new MeteringContext(deployment, new MeteringSettings());

        var summary = await RunAsync(metering: metering);

        var records = summary.UsageEvents.Select(UsageJson.DeserializeRecord).ToList();
        records.Select(r => (r.Step, r.Table?.Name)).Should().Equal(
            (UsageStep.Run, null), (UsageStep.Gateway, "alpha"), (UsageStep.Ingest, "alpha"), (UsageStep.Gateway, "beta"), (UsageStep.Ingest, "beta"));
        records.Single(r => r.Step == UsageStep.Gateway && r.Table!.Value.Name == "beta").RowsStaged.Inserts.Should().Be(5);
        records.Single(r => r.Step == UsageStep.Ingest && r.Table!.Value.Name == "alpha").RowsApplied.Inserts.Should().Be(3);
        records.Should().OnlyContain(r => r.Tags["team"] == "data" && r.RunId == summary.RunId);
        records[0].StorageOperations.Writes.Should().BeGreaterThanOrEqualTo(2, "the lease and the run history");
        records.Sum(r => r.ComputeSeconds).Should().BeGreaterThan(0);

        var lines = await new RunEventLog(_store).ReadAsync(summary.RunId, CancellationToken.None);
        var types = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()).ToList();
        types[0].Should().Be("run_started");
        types[^1].Should().Be("run_finished");
        types.Count(t => t == "batch_applied").Should().Be(2);
        types.Count(t => t == "snapshot_progress").Should().Be(5, "alpha staged 2 chunks and beta 3");
        var parts = new List<string>();
        await foreach (var entry in _store.ListAsync($"{RunEventLog.Folder}/parts/", CancellationToken.None)) parts.Add(entry.Path);
        parts.Should().BeEmpty("the parts are removed once joined");
        (await metering.Ledger.ReadAsync(DateOnly.FromDateTime(records[0].Start.UtcDateTime), DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None))
            .Should().HaveCount(records.Count);
    }

    [Fact]
    public async Task Every_record_that_crosses_between_activities_survives_json_as_durable_sends_it()
    {
        var summary = await RunAsync();
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        var back = JsonSerializer.Deserialize<RunSummary>(JsonSerializer.Serialize(summary, json), json)!;

        back.Should().BeEquivalentTo(summary);
        back.Run!.Tables.Select(t => t.Table).Should().Equal(new TableId("public", "alpha"), new TableId("public", "beta"));
        TableText.Parse(TableText.Format(new TableId("odd.schema", "\"quoted\" name"))).Should().Be(new TableId("odd.schema", "\"quoted\" name"));
        TableText.Format(new TableId("select", "Order Details")).Should().Be("select.Order Details");
    }

    private static string Describe(string activity, object input) => input switch
    {
        TableStepInput step => $"{activity} {step.Table}",
        PipelineRunInput run => $"{activity} {run.Pipeline}",
        RunSummary summary => $"{activity} {summary.Pipeline}",
        _ => activity,
    };

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
