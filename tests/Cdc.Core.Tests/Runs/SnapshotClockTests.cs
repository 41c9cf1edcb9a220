using Cdc.Core.Model;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Tests.Runs;

/// <summary>Snapshot rows are stamped with the source's clock, the clock its changes' commit times are on.</summary>
public sealed class SnapshotClockTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-clock-tests-").FullName;

    [Fact]
    public async Task Snapshot_rows_carry_the_source_clock_read_before_their_chunk_and_later_changes_are_later()
    {
        var store = new LocalFolderStore(_folder);
        var staging = new StagingArea(store, NullLogger.Instance);
        var source = new FakeSource(FakeSource.Schema());
        source.Seed(3);
        source.AdvanceHead(100);
        // The gateway's own clock is far from the source's: it must not matter.
        var gatewayClock = new FixedClock(new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var gateway = new GatewayStep(source, staging, new GatewayStateStore(store), new GatewaySettings(1, 10, 1000), gatewayClock, NullLogger.Instance);

        await gateway.RunAsync("r1", [source.Table], new HashSet<TableId>(), null, CancellationToken.None);
        source.Upsert(2, "changed");
        await gateway.RunAsync("r2", [source.Table], new HashSet<TableId>(), null, CancellationToken.None);

        var commits = await staging.ListCommitsAsync(source.Table.Table, 0, CancellationToken.None);
        var snapshotRows = await ReadAsync(staging, commits.Single(c => c.Kind == BatchKind.SnapshotChunk));
        var changeRows = await ReadAsync(staging, commits.Single(c => c.Kind == BatchKind.Changes));
        snapshotRows.Should().OnlyContain(r => r.CommitTime == DateTimeOffset.UnixEpoch.AddSeconds(100));
        changeRows.Should().ContainSingle().Which.CommitTime.Should().BeAfter(snapshotRows[0].CommitTime);
    }

    private static async Task<List<ChangeRow>> ReadAsync(StagingArea staging, CommitRecord commit)
    {
        var rows = new List<ChangeRow>();
        await foreach (var row in staging.ReadRowsAsync(commit, CancellationToken.None)) rows.Add(row);
        return rows;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
