using Cdc.Core.Sources;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Cdc.Core.Tests.Sources.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresPrepareTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Publication_holds_exactly_the_selected_tables_and_prepare_is_idempotent()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture,
            "CREATE TABLE public.a (id int PRIMARY KEY); CREATE TABLE public.\"B b\" (id int PRIMARY KEY); CREATE TABLE public.c (id int PRIMARY KEY)");
        var connector = db.Connector();
        var tables = await connector.DiscoverAsync([SourceDatabase.Schema("public", "c")], CancellationToken.None);
        await connector.PrepareAsync(tables, CancellationToken.None);
        await connector.PrepareAsync(tables, CancellationToken.None);
        (await PublishedAsync(db)).Should().BeEquivalentTo("a", "B b");
        (await db.ScalarAsync<string>($"SELECT plugin FROM pg_replication_slots WHERE slot_name = '{db.Slot}'")).Should().Be("pgoutput");

        await connector.PrepareAsync(tables.Where(t => t.Table.Name == "B b").ToList(), CancellationToken.None);
        (await PublishedAsync(db)).Should().BeEquivalentTo("B b");
    }

    [Fact]
    public async Task A_role_without_replication_is_told_how_to_fix_it()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY)");
        var role = "plain_" + Guid.NewGuid().ToString("N")[..8];
        await db.ExecuteAsync($"CREATE ROLE {role} LOGIN; GRANT SELECT ON public.t TO {role}");
        var connectionString = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Username = role }.ConnectionString;
        await using var connector = new Cdc.Core.Sources.Postgres.PostgresSourceConnector(connectionString, db.Slot, db.Publication, NullLogger.Instance);
        var tables = await connector.DiscoverAsync([SourceDatabase.Table("public", "t")], CancellationToken.None);
        await connector.Invoking(c => c.PrepareAsync(tables, CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage($"*{role}*REPLICATION*ALTER ROLE \"{role}\" WITH REPLICATION*");
    }

    [Fact]
    public async Task A_server_without_logical_wal_level_is_told_how_to_fix_it()
    {
        await using var server = await Cdc.Core.Local.LocalPostgres.StartAsync(new Dictionary<string, string> { ["wal_level"] = "replica" });
        var connectionString = await server.CreateDatabaseAsync("replica_only");
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE public.t (id int PRIMARY KEY)", connection).ExecuteNonQueryAsync();
        }
        await using var connector = new Cdc.Core.Sources.Postgres.PostgresSourceConnector(connectionString, "replica_slot", "replica_pub", NullLogger.Instance);
        var tables = await connector.DiscoverAsync([SourceDatabase.Table("public", "t")], CancellationToken.None);
        await connector.Invoking(c => c.PrepareAsync(tables, CancellationToken.None))
            .Should().ThrowAsync<SourceException>().WithMessage("*wal_level = 'replica'*ALTER SYSTEM SET wal_level = logical*restart*");
    }

    [Fact]
    public async Task Publication_names_with_spaces_capitals_and_unicode_work_end_to_end()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY)");
        await using var connector = new Cdc.Core.Sources.Postgres.PostgresSourceConnector(db.ConnectionString, db.Slot, "My Püb, x", NullLogger.Instance);
        var tables = await connector.DiscoverAsync([SourceDatabase.Table("public", "t")], CancellationToken.None);
        await connector.PrepareAsync(tables, CancellationToken.None);
        await db.ExecuteAsync("INSERT INTO public.t VALUES (7)");
        var sink = new RecordingSink();
        await connector.CaptureChangesAsync(tables, null, sink, CancellationToken.None);
        sink.Changes.Should().ContainSingle().Which.Row.Values.Should().Equal(7);
    }

    [Fact]
    public void Invalid_slot_names_are_refused_up_front()
    {
        FluentActions.Invoking(() => new Cdc.Core.Sources.Postgres.PostgresSourceConnector("Host=localhost", "Bad-Slot", "pub", NullLogger.Instance))
            .Should().Throw<SourceException>().WithMessage("*Bad-Slot*lower-case*");
    }

    private static async Task<List<string>> PublishedAsync(SourceDatabase db)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT tablename FROM pg_publication_tables WHERE pubname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = db.Publication });
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        return names;
    }
}
