using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Tests.Runs;

public sealed class PipelineRunnerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-runner-tests-").FullName;
    private readonly LocalFolderStore _store;
    private readonly PipelineLease _lease;
    private readonly FakeSource _source = new(FakeSource.Schema());
    private readonly RecordingTarget _target = new();

    public PipelineRunnerTests()
    {
        _store = new LocalFolderStore(_folder);
        _lease = new PipelineLease(_store);
    }

    private PipelineRunner Runner() => new(
        new PipelineComponents(new StagingArea(_store, NullLogger.Instance), new GatewayStateStore(_store), _lease, new RunHistory(_store), () => _source, () => _target),
        TimeProvider.System,
        NullLoggerFactory.Instance);

    private static PipelineDefinition Pipeline => new()
    {
        Name = "runner-test",
        Source = new SourceDefinition { Kind = SourceKind.Postgres, Connection = "unused" },
        Objects = [new ObjectDefinition { Schema = "public", Table = "items" }],
        Staging = new StagingDefinition { Location = "unused" },
        Destination = new DestinationDefinition { Kind = DestinationKind.Postgres, Connection = "unused", Schema = "target" },
    };

    [Fact]
    public async Task A_second_run_is_refused_with_the_name_of_the_run_holding_the_lease()
    {
        await using var held = await _lease.AcquireAsync("runner-test", "run-that-holds-it", TimeSpan.FromMinutes(1), CancellationToken.None);

        var act = () => Runner().RunAsync(Pipeline, RunRequest.Manual(), null, CancellationToken.None);

        (await act.Should().ThrowAsync<PipelineBusyException>()).WithMessage("*runner-test*run-that-holds-it*");
        _target.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task A_run_records_its_result_and_releases_the_lease()
    {
        _source.Seed(4);

        var result = await Runner().RunAsync(Pipeline, RunRequest.Manual(), null, CancellationToken.None);

        result.Outcome.Should().Be(RunOutcome.Succeeded);
        result.Tables.Should().ContainSingle().Which.Flows.Should().ContainSingle().Which.AppliedSequence.Should().Be(1);
        (await _lease.GetHolderAsync("runner-test", CancellationToken.None)).Should().BeNull();
        var history = await new RunHistory(_store).RecentAsync(5, CancellationToken.None);
        history.Should().ContainSingle().Which.RunId.Should().Be(result.RunId);
    }

    [Fact]
    public async Task A_full_refresh_of_a_table_the_pipeline_does_not_capture_fails_the_run_saying_so()
    {
        var request = new RunRequest(RunRequest.NewRunId(), RunTrigger.Manual, new HashSet<Cdc.Core.Model.TableId> { new("public", "nope") });

        var result = await Runner().RunAsync(Pipeline, request, null, CancellationToken.None);

        result.Outcome.Should().Be(RunOutcome.Failed);
        result.Error.Should().Contain("public.nope");
    }

    [Fact]
    public async Task A_gateway_that_fails_for_every_table_ends_the_run_as_failed_and_recorded()
    {
        _source.Seed(2);
        _source.FailPrepare = true;

        var result = await Runner().RunAsync(Pipeline, RunRequest.Manual(), null, CancellationToken.None);

        result.Outcome.Should().Be(RunOutcome.Failed);
        result.Tables.Should().ContainSingle().Which.Error.Should().Contain("source unreachable");
        (await new RunHistory(_store).RecentAsync(1, CancellationToken.None)).Should().ContainSingle().Which.RunId.Should().Be(result.RunId);
        (await _lease.GetHolderAsync("runner-test", CancellationToken.None)).Should().BeNull();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
