using Cdc.Core.Pipeline;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.Tests.Fixtures;

namespace Cdc.Core.Tests.Staging;

public sealed class StagingStoreFactoryTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_local_folder_is_rooted_at_the_pipeline_name_by_default()
    {
        var store = StagingStoreFactory.Create(new StagingDefinition { Location = _folder.Path }, "orders");
        await store.WriteAsync("x.json", "{}"u8.ToArray(), WriteCondition.None, CancellationToken.None);

        store.Should().BeOfType<LocalFolderStore>().Which.Root.Should().Be(Path.Combine(_folder.Path, "orders"));
        File.Exists(Path.Combine(_folder.Path, "orders", "x.json")).Should().BeTrue();
    }

    [Fact]
    public void An_explicit_prefix_replaces_the_pipeline_name_and_relative_folders_resolve_from_the_current_directory()
    {
        var store = StagingStoreFactory.Create(new StagingDefinition { Location = Path.GetRelativePath(Environment.CurrentDirectory, _folder.Path), Prefix = "/team/orders/" }, "ignored");
        store.Should().BeOfType<LocalFolderStore>().Which.Root.Should().Be(Path.Combine(_folder.Path, "team", "orders"));

        var noPrefix = StagingStoreFactory.Create(new StagingDefinition { Location = _folder.Path, Prefix = "" }, "ignored");
        ((LocalFolderStore)noPrefix).Root.Should().Be(_folder.Path);
    }

    [Fact]
    public void Development_storage_means_azurite_on_its_default_port()
    {
        var store = StagingStoreFactory.Create(new StagingDefinition { Location = "UseDevelopmentStorage=true", Container = "dev-staging" }, "p1");
        store.Should().BeOfType<PrefixedStagingStore>().Which.Prefix.Should().Be("p1");
        store.Description.Should().Be("http://127.0.0.1:10000/devstoreaccount1/dev-staging/p1");
    }

    [Fact]
    public void A_container_url_signs_in_with_azure_ad_or_its_sas_and_never_shows_the_token()
    {
        var store = StagingStoreFactory.Create(new StagingDefinition { Location = "https://acct.blob.core.windows.net/staging" }, "orders");
        store.Description.Should().Be("https://acct.blob.core.windows.net/staging/orders");

        var sas = StagingStoreFactory.Create(new StagingDefinition { Location = "https://acct.blob.core.windows.net/staging?sv=2021&sig=secret" }, "orders");
        sas.Description.Should().Be("https://acct.blob.core.windows.net/staging/orders").And.NotContain("secret");
    }

    [Fact]
    public void An_emulator_url_puts_the_account_before_the_container()
    {
        var store = StagingStoreFactory.Create(new StagingDefinition { Location = "http://127.0.0.1:10000/devstoreaccount1/ingest-staging", Prefix = "team/orders" }, "ignored");
        store.Description.Should().Be("http://127.0.0.1:10000/devstoreaccount1/ingest-staging/team/orders");
    }

    [Theory]
    [InlineData("s3://bucket/folder")]
    [InlineData("http://acct.blob.core.windows.net/staging")]
    [InlineData("ftp://host/x")]
    [InlineData("   ")]
    public void Unrecognised_locations_name_the_setting(string location)
    {
        var act = () => StagingStoreFactory.Create(new StagingDefinition { Location = location }, "orders");
        act.Should().Throw<ArgumentException>().WithMessage("*staging.location*");
    }

    [Fact]
    public void Invalid_container_names_and_prefixes_are_rejected_by_setting()
    {
        var container = () => StagingStoreFactory.Create(new StagingDefinition { Location = "UseDevelopmentStorage=true", Container = "Bad_Name" }, "orders");
        container.Should().Throw<ArgumentException>().WithMessage("*staging.container*");
        var prefix = () => StagingStoreFactory.Create(new StagingDefinition { Location = _folder.Path, Prefix = "a/../../b" }, "orders");
        prefix.Should().Throw<ArgumentException>().WithMessage("*staging.prefix*");
        var url = () => StagingStoreFactory.Create(new StagingDefinition { Location = "https://acct.blob.core.windows.net/" }, "orders");
        url.Should().Throw<ArgumentException>().WithMessage("*staging.location*");
        var folderInUrl = () => StagingStoreFactory.Create(new StagingDefinition { Location = "https://acct.blob.core.windows.net/staging/folder" }, "orders");
        folderInUrl.Should().Throw<ArgumentException>().WithMessage("*staging.prefix*");
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class StagingStoreFactoryAzuriteTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_connection_string_gives_a_store_rooted_at_the_pipeline_prefix()
    {
        var container = $"stg-factory-{Guid.NewGuid():N}"[..30];
        var store = StagingStoreFactory.Create(new StagingDefinition { Location = azurite.ConnectionString, Container = container }, "orders");
        await store.WriteAsync("state/source.json", "{}"u8.ToArray(), WriteCondition.IfNotExists, CancellationToken.None);

        var other = StagingStoreFactory.Create(new StagingDefinition { Location = azurite.ConnectionString, Container = container, Prefix = "" }, "orders");
        (await other.ReadAsync("orders/state/source.json", CancellationToken.None)).Should().NotBeNull();
        var listed = new List<string>();
        await foreach (var entry in store.ListAsync("", CancellationToken.None)) listed.Add(entry.Path);
        listed.Should().Equal("state/source.json");
        store.Description.Should().NotContain(Cdc.Core.Local.LocalAzurite.AccountKey);
    }

    [Fact]
    public async Task An_emulator_container_url_works_with_the_well_known_key()
    {
        var endpoint = azurite.ConnectionString.Split(';').Single(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal))["BlobEndpoint=".Length..].TrimEnd('/');
        var container = $"stg-url-{Guid.NewGuid():N}"[..30];
        var store = StagingStoreFactory.Create(new StagingDefinition { Location = $"{endpoint}/{container}" }, "orders");

        var etag = await store.WriteAsync("leases/orders.json", "{}"u8.ToArray(), WriteCondition.IfNotExists, CancellationToken.None);
        (await store.ReadAsync("leases/orders.json", CancellationToken.None))!.ETag.Should().Be(etag);
    }
}
