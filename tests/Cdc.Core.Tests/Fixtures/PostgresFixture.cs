using Cdc.Core.Local;

namespace Cdc.Core.Tests.Fixtures;

/// <summary>One throwaway PostgreSQL cluster shared by a test collection; each test creates its own databases.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private LocalPostgres? _server;
    private int _databases;

    public LocalPostgres Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not started.");

    /// <summary>A new, empty database with a unique name; returns its connection string.</summary>
    public Task<string> NewDatabaseAsync(string prefix = "db")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}";
        return Server.CreateDatabaseAsync(name[..Math.Min(name.Length, 60)]);
    }

    public async Task InitializeAsync() => _server = await LocalPostgres.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
