using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;

namespace Cdc.Core.Tests.Staging;

public sealed class LocalFolderStoreTests : StagingStoreConformance, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly LocalFolderStore _store;

    public LocalFolderStoreTests() => _store = new LocalFolderStore(_folder.Path);

    protected override IStagingStore Store => _store;

    protected override IStagingStore OtherClient() => new LocalFolderStore(_folder.Path);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Objects_are_plain_files_under_the_root_and_bookkeeping_stays_out_of_listings()
    {
        await _store.WriteAsync("tables/x/commits/000000000001.json", "{}"u8.ToArray(), WriteCondition.IfNotExists, CancellationToken.None);

        File.ReadAllText(Path.Combine(_folder.Path, "tables", "x", "commits", "000000000001.json")).Should().Be("{}");
        (await ToListAsync(_store.ListAsync("", CancellationToken.None))).Select(e => e.Path).Should().Equal("tables/x/commits/000000000001.json");
    }

    [Fact]
    public async Task Reserved_bookkeeping_folders_cannot_be_written()
    {
        var act = () => _store.WriteAsync(".ingest-locks/stripe-00.lock", "x"u8.ToArray(), WriteCondition.None, CancellationToken.None);
        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("reserves");
    }

    [Fact]
    public async Task A_listing_prefix_that_names_no_folder_is_empty()
    {
        (await ToListAsync(_store.ListAsync("tables/none/commits/", CancellationToken.None))).Should().BeEmpty();
        var act = async () => await ToListAsync(_store.ListAsync("../", CancellationToken.None));
        await act.Should().ThrowAsync<ArgumentException>();
    }
}
