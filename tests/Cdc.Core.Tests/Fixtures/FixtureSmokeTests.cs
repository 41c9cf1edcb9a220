using Npgsql;

namespace Cdc.Core.Tests.Fixtures;

[Collection(PostgresCollection.Name)]
public sealed class PostgresFixtureTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Cluster_accepts_connections_and_has_logical_wal()
    {
        var connectionString = await postgres.NewDatabaseAsync();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW wal_level", connection);
        (await command.ExecuteScalarAsync()).Should().Be("logical");
    }
}
