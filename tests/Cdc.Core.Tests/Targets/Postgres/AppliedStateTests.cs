using Cdc.Core.Targets.Postgres;
using Cdc.Core.Tests.Fixtures;
using static Cdc.Core.Tests.Targets.Postgres.TargetTestKit;

namespace Cdc.Core.Tests.Targets.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class AppliedStateTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Many_writers_create_the_state_table_and_target_schema_at_once_without_conflict()
    {
        var connection = await postgres.NewDatabaseAsync("tgt");
        var schema = Simple();
        var writers = Enumerable.Range(0, 8).Select(_ => new PostgresTargetWriter(connection)).ToList();
        try
        {
            var tables = Enumerable.Range(0, 8).Select(i => Flow(schema, "shared schema", $"items {i}")).ToList();

            await Task.WhenAll(writers.Select((w, i) => ApplyAsync(w, tables[i], schema, 1, Insert(At(1), (long)i, "x", null))));

            var states = await Task.WhenAll(writers.Select((w, i) => w.GetAppliedStateAsync(tables[i], CancellationToken.None)));
            states.Should().OnlyContain(s => s != null && s.Sequence == 1);
            (await ScalarAsync(connection, "SELECT count(*) FROM _ingest.applied_batches")).Should().Be(8L);
        }
        finally
        {
            foreach (var writer in writers) await writer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Nothing_applied_reads_as_null()
    {
        var connection = await postgres.NewDatabaseAsync("tgt");
        await using var writer = new PostgresTargetWriter(connection);

        (await writer.GetAppliedStateAsync(Flow(Simple()), CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task State_is_kept_per_pipeline_and_target_table()
    {
        var connection = await postgres.NewDatabaseAsync("tgt");
        var schema = Simple();
        await using var writer = new PostgresTargetWriter(connection);
        var a = Flow(schema, targetTable: "a");
        var b = Flow(schema, targetTable: "b");
        var otherPipeline = a with { Pipeline = "other" };

        await ApplyAsync(writer, a, schema, 4, Insert(At(1), 1L, "x", null));
        await ApplyAsync(writer, b, schema, 9, Insert(At(1), 1L, "x", null));

        (await writer.GetAppliedStateAsync(a, CancellationToken.None))!.Sequence.Should().Be(4);
        (await writer.GetAppliedStateAsync(b, CancellationToken.None))!.Sequence.Should().Be(9);
        (await writer.GetAppliedStateAsync(otherPipeline, CancellationToken.None)).Should().BeNull();
        var row = (await QueryAsync(connection, "SELECT source_schema, source_table, schema_json->'keys'->>0 FROM _ingest.applied_batches WHERE target_table = 'a'")).Single();
        row.Should().Equal("src", "items", "id");
    }
}
