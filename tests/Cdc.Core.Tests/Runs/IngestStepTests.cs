using Cdc.Core.Model;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.Targets;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Tests.Runs;

public sealed class IngestStepTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-step-tests-").FullName;
    private readonly StagingArea _staging;
    private readonly TableSchema _schema = FakeSource.Schema();
    private readonly IngestFlow _flow;
    private long _sequence;

    public IngestStepTests()
    {
        _staging = new StagingArea(new LocalFolderStore(_folder), NullLogger.Instance);
        _flow = new IngestFlow("p", _schema.Table, "target", "items", 1, false);
    }

    private async Task StageAsync(BatchKind kind, int generation, int rows, bool final = false)
    {
        await using var writer = _staging.StartBatch(_schema, ++_sequence, kind, generation);
        for (var i = 0; i < rows; i++) await writer.WriteAsync(new ChangeRow(ChangeKind.Insert, [i, "v"], DateTimeOffset.UnixEpoch), CancellationToken.None);
        await writer.CommitAsync(new BatchCommitInfo("0", "0", final), CancellationToken.None);
    }

    private Task<FlowRunResult> ApplyAsync(RecordingTarget target) =>
        new IngestStep(target, _staging, TimeProvider.System, NullLogger.Instance).ApplyAsync("run", _flow, null, CancellationToken.None);

    [Fact]
    public async Task A_snapshot_waits_for_its_final_chunk_then_loads_all_chunks_at_once()
    {
        var target = new RecordingTarget();
        await StageAsync(BatchKind.SnapshotChunk, 1, 3);
        await StageAsync(BatchKind.SnapshotChunk, 1, 3);

        (await ApplyAsync(target)).AppliedSequence.Should().Be(0);
        target.Calls.Should().BeEmpty("the snapshot is not complete yet");

        await StageAsync(BatchKind.SnapshotChunk, 1, 1, final: true);
        await StageAsync(BatchKind.Changes, 1, 2);
        var result = await ApplyAsync(target);

        target.Calls.Should().Equal("snapshot g1 1,2,3 rows=7", "changes 4 rows=2");
        result.AppliedSequence.Should().Be(4);
        result.BatchesApplied.Should().Be(4);
    }

    [Fact]
    public async Task A_newer_generation_replaces_everything_staged_before_it()
    {
        var target = new RecordingTarget();
        await StageAsync(BatchKind.SnapshotChunk, 1, 5, final: true);
        await ApplyAsync(target);
        await StageAsync(BatchKind.Changes, 1, 1);
        await StageAsync(BatchKind.SnapshotChunk, 2, 2);
        await StageAsync(BatchKind.SnapshotChunk, 3, 2);
        await StageAsync(BatchKind.SnapshotChunk, 3, 2, final: true);

        await ApplyAsync(target);

        target.Calls.Should().Equal("snapshot g1 1 rows=5", "snapshot g3 4,5 rows=4");
        target.AppliedSequence.Should().Be(5);
    }

    [Fact]
    public async Task Nothing_pending_applies_nothing()
    {
        var target = new RecordingTarget();
        await StageAsync(BatchKind.SnapshotChunk, 1, 1, final: true);
        await ApplyAsync(target);
        target.Calls.Clear();

        var result = await ApplyAsync(target);

        target.Calls.Should().BeEmpty();
        result.BatchesApplied.Should().Be(0);
        result.AppliedSequence.Should().Be(1);
    }

    [Fact]
    public async Task A_corrupt_batch_is_never_skipped_but_a_full_refresh_gets_past_it()
    {
        var target = new RecordingTarget();
        await StageAsync(BatchKind.SnapshotChunk, 1, 2, final: true);
        await ApplyAsync(target);
        await StageAsync(BatchKind.Changes, 1, 3);
        var part = Directory.EnumerateFiles(_folder, "*.bin", SearchOption.AllDirectories).Single(p => p.Contains("000000000002", StringComparison.Ordinal));
        var bytes = await File.ReadAllBytesAsync(part);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(part, bytes);

        var first = () => ApplyAsync(target);
        (await first.Should().ThrowAsync<CorruptStagedFileException>()).Which.Path.Should().Contain("000000000002");
        var again = () => ApplyAsync(target);
        await again.Should().ThrowAsync<CorruptStagedFileException>("a corrupt batch stays in the way until a full refresh");
        target.AppliedSequence.Should().Be(1);

        await StageAsync(BatchKind.SnapshotChunk, 2, 4, final: true);
        await ApplyAsync(target);

        target.Calls.Should().Equal("snapshot g1 1 rows=2", "snapshot g2 3 rows=4");
        target.AppliedSequence.Should().Be(3);
    }

    [Fact]
    public async Task A_load_that_finds_a_newer_generation_moves_on_to_it_in_the_same_run()
    {
        var target = new RecordingTarget();
        await StageAsync(BatchKind.SnapshotChunk, 1, 2);
        await StageAsync(BatchKind.SnapshotChunk, 2, 3);
        await StageAsync(BatchKind.SnapshotChunk, 2, 1, final: true);
        await StageAsync(BatchKind.Changes, 2, 2);

        var result = await ApplyAsync(target);

        target.Calls.Should().Equal("snapshot g2 2,3 rows=4", "changes 4 rows=2");
        result.AppliedSequence.Should().Be(4);
    }

    [Fact]
    public async Task A_staging_area_behind_the_target_is_refused_rather_than_skipped()
    {
        var target = new RecordingTarget();
        await StageAsync(BatchKind.SnapshotChunk, 1, 1, final: true);
        await ApplyAsync(target);
        await StageAsync(BatchKind.Changes, 1, 1);
        await ApplyAsync(target);
        var fresh = new StagingArea(new LocalFolderStore(Directory.CreateTempSubdirectory("ingest-reset-").FullName), NullLogger.Instance);
        await using (var writer = fresh.StartBatch(_schema, 1, BatchKind.SnapshotChunk, 1))
            await writer.CommitAsync(new BatchCommitInfo("0", "0", SnapshotFinal: true), CancellationToken.None);

        var act = () => new IngestStep(target, fresh, TimeProvider.System, NullLogger.Instance).ApplyAsync("run", _flow, null, CancellationToken.None);

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*staging area ends at batch 1*applied batch 2*reset*");
        target.AppliedSequence.Should().Be(2);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
