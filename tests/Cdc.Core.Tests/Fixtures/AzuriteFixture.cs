using Cdc.Core.Local;

namespace Cdc.Core.Tests.Fixtures;

/// <summary>One Azurite blob service shared by a test collection; tests use their own containers.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private LocalAzurite? _azurite;

    public LocalAzurite Azurite => _azurite ?? throw new InvalidOperationException("The Azurite fixture has not started.");

    public string ConnectionString => Azurite.ConnectionString;

    public async Task InitializeAsync() => _azurite = await LocalAzurite.StartAsync();

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
