using Azure.Storage.Blobs;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Tests.Staging;

[Collection(AzuriteCollection.Name)]
public sealed class AzureStagingAreaTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Every_logical_type_round_trips_through_blob_storage()
    {
        var container = $"stg-area-{Guid.NewGuid():N}"[..30];
        var store = StagingStoreFactory.Create(new StagingDefinition { Location = azurite.ConnectionString, Container = container }, "pipe line");
        var area = new StagingArea(store, NullLogger.Instance, new StagingAreaSettings { PartMaxRows = 4 });
        var rows = EdgeValues.Rows();

        CommitRecord commit;
        await using (var writer = area.StartBatch(EdgeValues.Schema, 1, BatchKind.Changes, 1))
        {
            foreach (var row in rows) await writer.WriteAsync(row, None);
            commit = await writer.CommitAsync(new BatchCommitInfo("0/0", "0/10"), None);
        }
        var read = new List<ChangeRow>();
        await foreach (var row in area.ReadRowsAsync((await area.ListCommitsAsync(EdgeValues.Table, 0, None)).Single(), None)) read.Add(row);

        StagedAssert.SameRows(rows, read);
        commit.Files.Should().HaveCount((rows.Count + 3) / 4);
        (await area.ListTablesAsync(None)).Should().Equal(EdgeValues.Table);
        var blobs = new BlobContainerClient(azurite.ConnectionString, container).GetBlobsAsync(prefix: "pipe%20line/tables/");
        var names = new List<string>();
        await foreach (var blob in blobs) names.Add(blob.Name);
        names.Should().Contain("pipe%20line/tables/sales.every%20type/commits/000000000001.json");
    }

    [Fact]
    public async Task Corrupt_blobs_are_quarantined_in_the_container()
    {
        var container = $"stg-corrupt-{Guid.NewGuid():N}"[..30];
        var store = new AzureBlobStore(new BlobContainerClient(azurite.ConnectionString, container));
        var area = new StagingArea(store, NullLogger.Instance);
        var schema = new TableSchema(new TableId("s", "t"), [new ColumnSchema("id", LogicalType.Int32, false)], ["id"]);
        CommitRecord commit;
        await using (var writer = area.StartBatch(schema, 1, BatchKind.SnapshotChunk, 1))
        {
            for (var i = 0; i < 100; i++) await writer.WriteAsync(new ChangeRow(ChangeKind.Insert, [i], DateTimeOffset.UnixEpoch), None);
            commit = await writer.CommitAsync(new BatchCommitInfo(null, null, SnapshotFinal: true), None);
        }
        var part = (await store.ReadAsync(commit.Files[0].Path, None))!.Content.ToArray();
        part[20] ^= 0xFF;
        await store.WriteAsync(commit.Files[0].Path, part, WriteCondition.None, None);

        var read = 0;
        var act = async () =>
        {
            await foreach (var _ in area.ReadRowsAsync(commit, None)) read++;
        };

        var error = (await act.Should().ThrowAsync<CorruptStagedFileException>()).Which;
        read.Should().Be(0);
        (await store.ReadAsync(error.QuarantinedAt, None))!.Content.ToArray().Should().Equal(part);
        (await store.ReadAsync(error.QuarantinedAt + ".note.json", None)).Should().NotBeNull();
    }
}
