using Azure.Storage.Blobs;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.Tests.Fixtures;

namespace Cdc.Core.Tests.Staging;

[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStoreTests(AzuriteFixture azurite) : StagingStoreConformance
{
    private readonly string _container = $"stg-store-{Guid.NewGuid():N}"[..40];
    private AzureBlobStore? _store;

    protected override IStagingStore Store => _store ??= (AzureBlobStore)OtherClient();

    protected override IStagingStore OtherClient() => new AzureBlobStore(new BlobContainerClient(azurite.ConnectionString, _container));

    [Fact]
    public async Task The_container_is_created_on_first_write_and_reads_before_it_exist_find_nothing()
    {
        (await Store.ReadAsync("x.json", CancellationToken.None)).Should().BeNull();
        (await ToListAsync(Store.ListAsync("", CancellationToken.None))).Should().BeEmpty();
        await Store.DeleteAsync("x.json", null, CancellationToken.None);

        await Store.WriteAsync("x.json", "{}"u8.ToArray(), WriteCondition.IfNotExists, CancellationToken.None);
        (await new BlobContainerClient(azurite.ConnectionString, _container).ExistsAsync()).Value.Should().BeTrue();
        Store.Description.Should().EndWith("/" + _container).And.NotContain("AccountKey");
    }
}
