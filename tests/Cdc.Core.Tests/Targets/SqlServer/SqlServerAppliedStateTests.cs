using Cdc.Core.Targets.SqlServer;
using Cdc.Core.Tests.Fixtures;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

[Collection(SqlServerCollection.Name)]
public sealed class SqlServerAppliedStateTests(SqlServerFixture sqlServer)
{
    [SqlServerFact]
    public async Task Many_writers_create_the_state_table_and_target_schema_at_once_without_conflict()
    {
        var connection = await sqlServer.NewDatabaseAsync("tgt");
        var schema = Simple();
        var writers = Enumerable.Range(0, 8).Select(_ => Writer(connection)).ToList();
        try
        {
            var tables = Enumerable.Range(0, 8).Select(i => Flow(schema, "shared schema", $"items {i}")).ToList();

            await Task.WhenAll(writers.Select((w, i) => ApplyAsync(w, tables[i], schema, 1, Insert(At(1), (long)i, "x", null))));

            var states = await Task.WhenAll(writers.Select((w, i) => w.GetAppliedStateAsync(tables[i], CancellationToken.None)));
            states.Should().OnlyContain(s => s != null && s.Sequence == 1);
            (await ScalarAsync(connection, "SELECT COUNT(*) FROM [_ingest].[applied_batches]")).Should().Be(8);
        }
        finally
        {
            foreach (var writer in writers) await writer.DisposeAsync();
        }
    }

    [SqlServerFact]
    public async Task Nothing_applied_reads_as_null()
    {
        var connection = await sqlServer.NewDatabaseAsync("tgt");
        await using var writer = Writer(connection);

        (await writer.GetAppliedStateAsync(Flow(Simple()), CancellationToken.None)).Should().BeNull();
    }

    [SqlServerFact]
    public async Task State_is_kept_per_pipeline_and_target_table()
    {
        var connection = await sqlServer.NewDatabaseAsync("tgt");
        var schema = Simple();
        await using var writer = Writer(connection);
        var a = Flow(schema, targetTable: "a");
        var b = Flow(schema, targetTable: "b");
        var otherPipeline = a with { Pipeline = "other" };

        await ApplyAsync(writer, a, schema, 4, Insert(At(1), 1L, "x", null));
        await ApplyAsync(writer, b, schema, 9, Insert(At(1), 1L, "x", null));

        (await writer.GetAppliedStateAsync(a, CancellationToken.None))!.Sequence.Should().Be(4);
        (await writer.GetAppliedStateAsync(b, CancellationToken.None))!.Sequence.Should().Be(9);
        (await writer.GetAppliedStateAsync(otherPipeline, CancellationToken.None)).Should().BeNull();
        var row = (await QueryAsync(connection, "SELECT source_schema, source_table, JSON_VALUE(schema_json, '$.keys[0]') FROM [_ingest].[applied_batches] WHERE target_table = N'a'")).Single();
        row.Should().Equal("src", "items", "id");
    }

    [SqlServerFact]
    public async Task The_state_table_matches_its_definition()
    {
        var connection = await sqlServer.NewDatabaseAsync("tgt");
        await using var writer = Writer(connection);
        await writer.GetAppliedStateAsync(Flow(Simple()), CancellationToken.None);

        (await ColumnsAsync(connection, new Cdc.Core.Targets.IngestFlow("p", new Cdc.Core.Model.TableId("s", "t"), SqlTargetNames.StateSchema, SqlTargetNames.StateTable, 1, false)))
            .Should().Equal(("pipeline", "nvarchar(128)"), ("target_schema", "nvarchar(128)"), ("target_table", "nvarchar(128)"), ("source_schema", "nvarchar(256)"),
                ("source_table", "nvarchar(256)"), ("sequence", "bigint"), ("snapshot_generation", "int"), ("schema_fingerprint", "nvarchar(64)"),
                ("schema_json", "nvarchar(max)"), ("applied_at", "datetimeoffset(7)"));
    }
}
