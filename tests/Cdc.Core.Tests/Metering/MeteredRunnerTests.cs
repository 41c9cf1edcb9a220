using System.Text.Json;
using Cdc.Core.Metering;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.State;
using Cdc.Core.Targets;
using Cdc.Core.Tests.Runs;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Tests.Metering;

/// <summary>The metered runner over an in-memory source and a recording target: fast checks of what it records.</summary>
public sealed class MeteredRunnerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-metered-").FullName;
    private readonly LocalFolderStore _store;
    private readonly LocalFolderStore _deployment;
    private readonly FakeSource _source = new(FakeSource.Schema());
    private readonly RecordingTarget _target = new();
    private readonly MeteringContext _metering;

    public MeteredRunnerTests()
    {
        _store = new LocalFolderStore(Path.Combine(_folder, "meter-test"));
        _deployment = new LocalFolderStore(Path.Combine(_folder, DeploymentStore.Prefix));
        _metering = new MeteringContext(_deployment, new MeteringSettings
        {
            Tags = TagPolicy.FromVariables([KeyValuePair.Create("Ingest__DefaultTags__env", (string?)"test")]),
        });
    }

    private static PipelineDefinition Pipeline(BudgetDefinition? budget = null) => new()
    {
        Name = "meter-test",
        Source = new SourceDefinition { Kind = SourceKind.Postgres, Connection = "unused" },
        Objects = [new ObjectDefinition { Schema = "public", Table = "items" }],
        Staging = new StagingDefinition { Location = "unused" },
        Destination = new DestinationDefinition { Kind = DestinationKind.Postgres, Connection = "unused", Schema = "target" },
        Tags = new Dictionary<string, string> { ["team"] = "data-platform" },
        Budget = budget,
    };

    private MeteredPipelineRunner Runner(ComponentOverrides? overrides = null) => new(
        o => new PipelineComponents(
            new StagingArea(o.WrapStore!(_store), NullLogger.Instance),
            new GatewayStateStore(o.WrapStore!(_store)),
            new PipelineLease(o.WrapStore!(_store)),
            new RunHistory(o.WrapStore!(_store)),
            () => o.WrapSource!(_source),
            () => o.WrapTarget!(_target)),
        _metering,
        NullLoggerFactory.Instance,
        overrides: overrides);

    private Task<MeteredRunResult> RunAsync(PipelineDefinition? pipeline = null, IProgress<RunEvent>? progress = null, CancellationToken cancellationToken = default) =>
        Runner().RunAsync(pipeline ?? Pipeline(), RunRequest.Manual(), progress, cancellationToken);

    [Fact]
    public async Task A_run_gets_a_run_record_and_a_gateway_and_ingest_record_per_table_that_add_up_to_the_run()
    {
        _source.Seed(4);

        var result = await RunAsync();

        var records = result.Usage.Records;
        records.Select(r => (r.Step, r.Table)).Should().Equal((UsageStep.Run, null), (UsageStep.Gateway, MeteringTestKit.Items), (UsageStep.Ingest, MeteringTestKit.Items));
        records.Should().OnlyContain(r => r.RunId == result.Run.RunId && r.Pipeline == "meter-test" && r.Trigger == RunTrigger.Manual && r.Outcome == "succeeded");
        records.Should().OnlyContain(r => r.Tags.Count == 2 && r.Tags["team"] == "data-platform" && r.Tags["env"] == "test");
        var (run, gateway, ingest) = (records[0], records[1], records[2]);

        var commit = (await new StagingArea(_store, NullLogger.Instance).ListCommitsAsync(MeteringTestKit.Items, 0, CancellationToken.None)).Single();
        gateway.RowsRead.Should().Be(new RowCounts(4, 0, 0));
        gateway.RowsStaged.Should().Be(new RowCounts(4, 0, 0));
        gateway.FilesStaged.Should().Be(commit.Files.Count);
        gateway.BytesStaged.Should().Be(commit.Files.Sum(f => f.Bytes)).And.BePositive();
        gateway.BytesRead.Should().BePositive();
        gateway.SourceRoundTrips.Should().Be(4, "begin snapshot, the row estimate, one chunk read, end snapshot");
        gateway.StorageOperations.Writes.Should().BeGreaterThanOrEqualTo(commit.Files.Count + 1, "every part file and the commit record");
        ingest.RowsRead.Should().Be(new RowCounts(4, 0, 0));
        ingest.RowsApplied.Should().Be(new RowCounts(4, 0, 0));
        ingest.BytesRead.Should().Be(gateway.BytesStaged);
        ingest.TargetRoundTrips.Should().Be(2, "applied state, one snapshot load");
        ingest.StorageOperations.Writes.Should().Be(0);
        ingest.StorageOperations.Reads.Should().BeGreaterThanOrEqualTo(commit.Files.Count);
        run.Executions.Should().Be(1);
        run.SourceRoundTrips.Should().BeGreaterThanOrEqualTo(2, "discovery and prepare");
        run.StorageOperations.Writes.Should().BeGreaterThanOrEqualTo(2, "lease and run history");

        records.Should().OnlyContain(r => r.ComputeSeconds >= 0 && Math.Abs(r.MemoryGbSeconds - 2 * r.ComputeSeconds) < 1e-5);
        records.Sum(r => r.ComputeSeconds).Should().BeGreaterThan(0);
        records.Should().OnlyContain(r => r.Cost.Total == r.Cost.Lines.Sum(l => l.Amount) && r.Cost.Currency == "USD");
        result.Usage.Cost.Should().BePositive();

        var ledger = await _metering.Ledger.ReadAsync(DateOnly.FromDateTime(run.Start.UtcDateTime), DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None);
        ledger.Should().BeEquivalentTo(records);
    }

    [Fact]
    public async Task Changes_are_counted_by_operation_and_the_lag_is_measured()
    {
        _source.Seed(3);
        await RunAsync();
        _source.Upsert(1, "one");
        _source.Upsert(9, "nine");
        _source.Delete(2);

        var result = await RunAsync();

        var gateway = result.Usage.Records.Single(r => r.Step == UsageStep.Gateway);
        var ingest = result.Usage.Records.Single(r => r.Step == UsageStep.Ingest);
        gateway.RowsRead.Should().Be(new RowCounts(1, 1, 1));
        gateway.RowsStaged.Should().Be(new RowCounts(1, 1, 1));
        ingest.RowsRead.Should().Be(new RowCounts(1, 1, 1));
        ingest.RowsApplied.Should().Be(new RowCounts(0, 3, 0), "the recording target reports every change row as an update");
        ingest.LagSeconds.Should().BeGreaterThan(TimeSpan.FromDays(365 * 50).TotalSeconds, "the fake source commits at the Unix epoch");
    }

    [Fact]
    public async Task The_event_log_keeps_every_event_with_the_tags()
    {
        _source.Seed(2);
        var printed = new List<RunEvent>();

        var result = await RunAsync(progress: new SyncProgress(printed));

        var lines = await new RunEventLog(_store).ReadAsync(result.Run.RunId, CancellationToken.None);
        var types = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()).ToList();
        types.Should().Equal("run_started", "batch_staged", "snapshot_progress", "batch_applied", "run_finished");
        lines.Should().OnlyContain(l => l.Contains("\"tags\":{\"env\":\"test\",\"team\":\"data-platform\"}"));
        printed.Should().HaveCount(4, "the caller's progress still sees every run event");
        (await new RunHistory(_store).RecentAsync(5, CancellationToken.None)).Should().ContainSingle("the event log stays out of the run history's folder");
    }

    [Fact]
    public async Task Crossing_a_budget_raises_each_threshold_once_and_an_enforced_budget_then_refuses_runs()
    {
        _source.Seed(2);
        var pipeline = Pipeline(new BudgetDefinition { Amount = 0.0000001m, Thresholds = [50, 100] });
        var printed = new List<RunEvent>();

        var first = await RunAsync(pipeline, new SyncProgress(printed));
        var second = await RunAsync(pipeline);
        var enforced = () => RunAsync(pipeline with { Budget = pipeline.Budget! with { Enforce = true } });

        first.Alerts.Select(a => a.ThresholdPercent).Should().Equal(50, 100);
        first.Alerts.Should().OnlyContain(a => a.Budget == "meter-test" && a.Spend == first.Usage.Cost && a.Tags["env"] == "test");
        printed.OfType<BudgetAlertRaised>().Should().HaveCount(2);
        (await new RunEventLog(_store).ReadAsync(first.Run.RunId, CancellationToken.None)).Count(l => l.Contains("\"type\":\"budget_alert\"")).Should().Be(2);
        second.Alerts.Should().BeEmpty();
        var calls = _target.Calls.Count;
        var refusal = (await enforced.Should().ThrowAsync<BudgetExceededException>()).Which;
        refusal.Message.Should().StartWith("Run of pipeline 'meter-test' refused: budget 'meter-test' (meter-test) is spent for month ");
        refusal.Spend.Should().Be(first.Usage.Cost + second.Usage.Cost);
        _target.Calls.Should().HaveCount(calls);
    }

    [Fact]
    public async Task A_run_stopped_by_an_exception_is_still_recorded_and_the_exception_goes_on()
    {
        _source.Seed(2);
        using var cancel = new CancellationTokenSource();
        var runner = Runner(new ComponentOverrides(WrapTarget: target => new CancellingTarget(target, cancel)));

        var act = () => runner.RunAsync(Pipeline(), RunRequest.Manual(), null, cancel.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        var records = await _metering.Ledger.ReadAsync(DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)), DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None);
        records.Should().NotBeEmpty();
        records[0].Outcome.Should().Be("cancelled");
        records.Single(r => r.Step == UsageStep.Gateway).RowsStaged.Inserts.Should().Be(2);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class SyncProgress(List<RunEvent> events) : IProgress<RunEvent>
    {
        public void Report(RunEvent value)
        {
            lock (events) events.Add(value);
        }
    }

    /// <summary>Cancels the run as soon as the first snapshot chunk is committed and handed to the target.</summary>
    private sealed class CancellingTarget(ITargetWriter inner, CancellationTokenSource cancel) : ITargetWriter
    {
        public Task<AppliedState?> GetAppliedStateAsync(IngestFlow flow, CancellationToken cancellationToken) => inner.GetAppliedStateAsync(flow, cancellationToken);

        public async Task<ApplyResult> LoadSnapshotAsync(IngestFlow flow, IAsyncEnumerable<CommitRecord> chunks, Func<CommitRecord, IAsyncEnumerable<ChangeRow>> readRows, CancellationToken cancellationToken)
        {
            await foreach (var _ in chunks.WithCancellation(cancellationToken))
            {
                await cancel.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
            }
            throw new InvalidOperationException("the snapshot had no chunk");
        }

        public Task<ApplyResult> ApplyChangesAsync(IngestFlow flow, CommitRecord batch, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken) =>
            inner.ApplyChangesAsync(flow, batch, rows, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
