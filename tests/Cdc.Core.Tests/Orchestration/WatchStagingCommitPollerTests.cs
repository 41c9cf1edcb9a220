using Cdc.Core.Model;
using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.State;

namespace Cdc.Core.Tests.Orchestration;

public sealed class WatchStagingCommitPollerTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TableId Customers = new("public", "customers");
    private static readonly TableId Details = new("sales", "Order Details");

    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-watch-poll-").FullName;
    private readonly LocalFolderStore _orders;
    private readonly PipelineDefinition _pipeline;

    public WatchStagingCommitPollerTests()
    {
        _orders = new LocalFolderStore(Path.Combine(_folder, "orders"));
        _pipeline = DispatchTestPipelines.Staged("orders", location: _folder);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task WriteAsync(string path) => _orders.WriteAsync(path, "{}"u8.ToArray(), WriteCondition.None, None);

    private async Task CommitAsync(TableId table, params long[] sequences)
    {
        foreach (var sequence in sequences) await WriteAsync(StagingLayout.CommitPath(table, sequence));
    }

    [Fact]
    public async Task The_newest_commit_of_every_table_is_read_from_the_pipelines_own_folder()
    {
        await CommitAsync(Customers, 1, 2, 12);
        await CommitAsync(Details, 1);
        foreach (var other in new[]
        {
            StagingLayout.PartPath(Customers, 13, 1), GatewayStateStore.TablePath(Customers), PipelineLease.LeasePath("orders"),
            "runs/20240701T120000-1a2b3c4d.json", StagingLayout.QuarantinePath(Customers, 2, "part-00001.bin"),
        })
        {
            await WriteAsync(other);
        }
        await new LocalFolderStore(Path.Combine(_folder, "billing")).WriteAsync(StagingLayout.CommitPath(Customers, 99), "{}"u8.ToArray(), WriteCondition.None, None);

        var latest = await new WatchStagingCommitPoller().LatestCommitsAsync(_pipeline, fullListing: false, None);

        latest.Should().BeEquivalentTo(new Dictionary<TableId, long> { [Customers] = 12, [Details] = 1 });
    }

    [Fact]
    public async Task Between_full_listings_new_commits_of_known_tables_are_found_by_probing()
    {
        await CommitAsync(Customers, 1, 2);
        var poller = new WatchStagingCommitPoller(rescanEvery: 100);
        (await poller.LatestCommitsAsync(_pipeline, fullListing: false, None))[Customers].Should().Be(2);

        await CommitAsync(Customers, 3, 4, 5);
        await CommitAsync(Details, 1);

        var latest = await poller.LatestCommitsAsync(_pipeline, fullListing: false, None);
        latest.Should().BeEquivalentTo(new Dictionary<TableId, long> { [Customers] = 5 }, "a new table waits for the next full listing");
        (await poller.LatestCommitsAsync(_pipeline, fullListing: false, None))[Customers].Should().Be(5);
    }

    [Fact]
    public async Task A_full_listing_when_asked_finds_a_table_staged_for_the_first_time_between_listings()
    {
        await CommitAsync(Customers, 1);
        var poller = new WatchStagingCommitPoller(rescanEvery: 100);
        await poller.LatestCommitsAsync(_pipeline, fullListing: false, None);
        await CommitAsync(Details, 1, 2);

        (await poller.LatestCommitsAsync(_pipeline, fullListing: false, None)).Should().NotContainKey(Details, "a probe looks only at tables it knows");
        (await poller.LatestCommitsAsync(_pipeline, fullListing: true, None)).Should().BeEquivalentTo(new Dictionary<TableId, long> { [Customers] = 1, [Details] = 2 });
    }

    [Fact]
    public async Task A_full_listing_every_few_polls_finds_new_tables_and_reset_staging_areas()
    {
        await CommitAsync(Customers, 1, 2, 3);
        var poller = new WatchStagingCommitPoller(rescanEvery: 3);
        await poller.LatestCommitsAsync(_pipeline, fullListing: false, None);
        await CommitAsync(Details, 1);
        Directory.Delete(Path.Combine(_orders.Root, "tables", Customers.ToPathSegment()), recursive: true);
        await CommitAsync(Customers, 1);

        (await poller.LatestCommitsAsync(_pipeline, fullListing: false, None)).Should().BeEquivalentTo(new Dictionary<TableId, long> { [Customers] = 3 });
        (await poller.LatestCommitsAsync(_pipeline, fullListing: false, None)).Should().BeEquivalentTo(new Dictionary<TableId, long> { [Customers] = 3 });
        (await poller.LatestCommitsAsync(_pipeline, fullListing: false, None)).Should().BeEquivalentTo(new Dictionary<TableId, long> { [Customers] = 1, [Details] = 1 }, "the third poll lists everything");
    }

    [Fact]
    public async Task A_table_far_ahead_is_caught_up_over_several_polls()
    {
        await CommitAsync(Customers, 1);
        var poller = new WatchStagingCommitPoller(rescanEvery: 100);
        await poller.LatestCommitsAsync(_pipeline, fullListing: false, None);
        await CommitAsync(Customers, Enumerable.Range(2, 99).Select(i => (long)i).ToArray());

        var first = (await poller.LatestCommitsAsync(_pipeline, fullListing: false, None))[Customers];
        var second = (await poller.LatestCommitsAsync(_pipeline, fullListing: false, None))[Customers];

        first.Should().BeGreaterThan(1).And.BeLessThan(100);
        second.Should().Be(100);
    }

    [Fact]
    public async Task A_pipeline_that_staged_nothing_yet_has_no_commits()
    {
        var latest = await new WatchStagingCommitPoller().LatestCommitsAsync(DispatchTestPipelines.Staged("fresh", location: _folder), fullListing: false, None);

        latest.Should().BeEmpty();
    }
}
