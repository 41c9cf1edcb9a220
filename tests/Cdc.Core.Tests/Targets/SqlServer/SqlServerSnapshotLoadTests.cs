using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Cdc.Core.Targets;
using Cdc.Core.Targets.Postgres;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Data.SqlClient;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

[Collection(SqlServerCollection.Name)]
public sealed class SqlServerSnapshotLoadTests(SqlServerFixture sqlServer)
{
    [SqlServerTheory]
    [InlineData("ingest", "Order Details", "Order ID", "Unit Price")]
    [InlineData("select", "select", "select", "from")]
    [InlineData("we]ird schema", "we]ird name", "we]ird key", "it's")]
    [InlineData("Ünïcödé", "Ünïcödé 表", "Ünïcödé", "ñ")]
    public async Task Loads_and_swaps_tables_with_hostile_names(string targetSchema, string table, string keyColumn, string valueColumn)
    {
        var schema = Schema(table, [new(keyColumn, LogicalType.Int32), new(valueColumn, LogicalType.String)], keyColumn);
        var flow = Flow(schema, targetSchema);
        var connection = await sqlServer.NewDatabaseAsync("tgt");
        await using var writer = Writer(connection);

        await LoadAsync(writer, flow, schema, 1, [Insert(T0, 1, "old"), Insert(T0, 2, "old")]);
        await writer.LoadSnapshotAsync(flow, Chunks(Chunk(schema, 2, false, 2), Chunk(schema, 3, true, 2)),
            c => Rows(c.Sequence == 2 ? [Insert(T0, 1, "new")] : [Insert(T0, 3, "new")]), CancellationToken.None);

        var rows = await QueryAsync(connection, $"SELECT * FROM {Q(flow)} ORDER BY 1");
        rows.Select(r => ((int)r[0]!, (string)r[1]!)).Should().Equal((1, "new"), (3, "new"));
        (await PrimaryKeyAsync(connection, flow)).Should().Equal(keyColumn);
        (await ScalarAsync(connection, $"SELECT COUNT(*) FROM sys.objects AS o JOIN sys.schemas AS s ON s.schema_id = o.schema_id WHERE s.name = {SqlName.Literal(targetSchema)} AND o.name LIKE N'%[_][_]ingest[_]load%'"))
            .Should().Be(0, "the load table and its key are renamed away");
        (await ScalarAsync(connection, $"SELECT name FROM sys.key_constraints WHERE parent_object_id = OBJECT_ID({SqlName.Literal(Q(flow))})"))
            .Should().Be(table + "__ingest_pk");
        var state = await writer.GetAppliedStateAsync(flow, CancellationToken.None);
        state.Should().BeEquivalentTo(new { Sequence = 3L, SnapshotGeneration = 2, SchemaFingerprint = schema.Fingerprint });
    }

    [SqlServerFact]
    public async Task A_reader_sees_the_old_table_until_the_new_one_is_complete()
    {
        var schema = Simple();
        var flow = Flow(schema);
        var connection = await SharedDatabaseAsync(sqlServer);
        await using var writer = Writer(connection);
        await LoadAsync(writer, flow, schema, 1, [Insert(T0, 1L, "old", Dec("1.00")), Insert(T0, 2L, "old", Dec("2.00"))]);
        var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var load = Task.Run(() => writer.LoadSnapshotAsync(flow, Chunks(Chunk(schema, 2, true, 2)), _ => PausingRows(halfway, resume.Task), CancellationToken.None));
        await halfway.Task;
        try
        {
            await using var reader = new SqlConnection(connection);
            await reader.OpenAsync();
            await using var command = new SqlCommand($"SELECT COUNT(*), MIN(name) FROM {Q(flow)}", reader) { CommandTimeout = 20 };
            await using var result = await command.ExecuteReaderAsync();
            await result.ReadAsync();
            (result.GetInt32(0), result.GetString(1)).Should().Be((2, "old"));
        }
        finally
        {
            resume.SetResult();
        }
        var loaded = await load;

        loaded.Inserted.Should().Be(1000);
        (await ScalarAsync(connection, $"SELECT COUNT(*) FROM {Q(flow)} WHERE name = N'new'")).Should().Be(1000);
    }

    [SqlServerFact]
    public async Task A_failing_load_leaves_the_old_table_and_state()
    {
        var schema = Simple();
        var flow = Flow(schema);
        var connection = await SharedDatabaseAsync(sqlServer);
        await using var writer = Writer(connection);
        await LoadAsync(writer, flow, schema, 1, [Insert(T0, 1L, "old", Dec("1.00"))]);

        var act = () => writer.LoadSnapshotAsync(flow, Chunks(Chunk(schema, 2, false, 2), Chunk(schema, 3, true, 2)),
            c => c.Sequence == 2 ? Rows([Insert(T0, 5L, "new", null)]) : Failing(), CancellationToken.None);

        await act.Should().ThrowAsync<IOException>().WithMessage("staged file unreadable");
        (await SimpleRowsAsync(connection, flow)).Should().Equal((1L, "old", "1.00"));
        (await writer.GetAppliedStateAsync(flow, CancellationToken.None))!.Sequence.Should().Be(1);
    }

    [SqlServerFact]
    public async Task Chunks_that_end_before_the_final_one_change_nothing()
    {
        var schema = Simple();
        var flow = Flow(schema);
        var connection = await SharedDatabaseAsync(sqlServer);
        await using var writer = Writer(connection);
        await LoadAsync(writer, flow, schema, 1, [Insert(T0, 1L, "old", null)]);

        var ended = () => writer.LoadSnapshotAsync(flow, Chunks(Chunk(schema, 2, false, 2)), _ => Rows([Insert(T0, 9L, "new", null)]), CancellationToken.None);
        var stopped = () => writer.LoadSnapshotAsync(flow, GatewayStops(Chunk(schema, 2, false, 2)), _ => Rows([Insert(T0, 9L, "new", null)]), CancellationToken.None);

        await ended.Should().ThrowAsync<ArgumentException>().WithMessage("*before the final chunk*");
        await stopped.Should().ThrowAsync<InvalidOperationException>().WithMessage("the gateway stopped");
        (await SimpleRowsAsync(connection, flow)).Should().Equal((1L, "old", null));
        (await ScalarAsync(connection, $"SELECT COUNT(*) FROM sys.tables WHERE name = N'items__ingest_load' AND schema_id = SCHEMA_ID({SqlName.Literal(flow.TargetSchema)})")).Should().Be(0);
    }

    [SqlServerFact]
    public async Task A_bad_value_names_table_column_and_key_and_changes_nothing()
    {
        var schema = Simple();
        var flow = Flow(schema);
        var connection = await SharedDatabaseAsync(sqlServer);
        await using var writer = Writer(connection);
        await LoadAsync(writer, flow, schema, 1, [Insert(T0, 1L, "old", Dec("1.00"))]);

        var tooWide = () => LoadAsync(writer, flow, schema, 2, [Insert(T0, 1L, "ok", null), Insert(T0, 42L, "bad", Dec("12345678901.5"))], generation: 2);
        var wrongType = () => LoadAsync(writer, flow, schema, 2, [Insert(T0, 43L, "ok", 1.5m)], generation: 2);

        (await tooWide.Should().ThrowAsync<TargetValueException>()).WithMessage("*\"amount\" of [" + flow.TargetSchema + "].[items]*id=42*11 digits before the point; decimal(12,2) holds at most 10*");
        (await wrongType.Should().ThrowAsync<TargetValueException>()).WithMessage("*\"amount\"*id=43*Decimal*Numeric*");
        (await SimpleRowsAsync(connection, flow)).Should().Equal((1L, "old", "1.00"));
    }

    [SqlServerFact]
    public async Task Duplicate_keys_in_a_snapshot_fail_with_the_key()
    {
        var schema = Simple();
        var connection = await SharedDatabaseAsync(sqlServer);
        await using var writer = Writer(connection);

        var act = () => LoadAsync(writer, Flow(schema), schema, 1, [Insert(T0, 7L, "a", null), Insert(T0, 7L, "b", null)]);

        await act.Should().ThrowAsync<InvalidDataException>().WithMessage("*primary key (id): key (id) = (7) occurs more than once*");
    }

    [SqlServerFact]
    public async Task Scd2_snapshot_rows_start_at_their_commit_time_and_stay_open()
    {
        var schema = Simple();
        var flow = Flow(schema, scd: 2);
        var connection = await SharedDatabaseAsync(sqlServer);
        await using var writer = Writer(connection);
        var offset = new DateTimeOffset(2024, 3, 1, 14, 0, 2, TimeSpan.FromHours(2));

        await LoadAsync(writer, flow, schema, 1, [Insert(At(1), 1L, "a", null), Insert(offset, 2L, "b", null)]);

        var rows = await QueryAsync(connection, $"SELECT id, [__START_AT], [__END_AT] FROM {Q(flow)} ORDER BY id");
        rows.Select(r => ((long)r[0]!, (DateTimeOffset)r[1]!, r[2])).Should().Equal((1L, At(1), null), (2L, offset, null));
        ((DateTimeOffset)rows[1][1]!).Offset.Should().Be(TimeSpan.FromHours(2), "commit times keep their offset");
        (await PrimaryKeyAsync(connection, flow)).Should().Equal("id", "__START_AT");
    }

    [SqlServerFact]
    public async Task Soft_delete_snapshots_get_an_empty_deleted_at_column()
    {
        var schema = Simple();
        var flow = Flow(schema, softDeletes: true);
        var connection = await SharedDatabaseAsync(sqlServer);
        await using var writer = Writer(connection);

        await LoadAsync(writer, flow, schema, 1, [Insert(T0, 1L, "a", null)]);

        (await ColumnsAsync(connection, flow)).Should().Equal(("id", "bigint"), ("name", "nvarchar(max)"), ("amount", "decimal(12,2)"), ("__DELETED_AT", "datetimeoffset(7)"));
        (await ScalarAsync(connection, $"SELECT COUNT(*) FROM {Q(flow)} WHERE [__DELETED_AT] IS NULL")).Should().Be(1);
    }

    [SqlServerFact]
    public async Task A_snapshot_at_or_below_the_applied_sequence_is_skipped()
    {
        var schema = Simple();
        var flow = Flow(schema);
        var connection = await SharedDatabaseAsync(sqlServer);
        await using var writer = Writer(connection);
        await LoadAsync(writer, flow, schema, 5, [Insert(T0, 1L, "current", null)]);

        var result = await LoadAsync(writer, flow, schema, 5, [Insert(T0, 1L, "replayed", null)]);

        result.Should().Be(ApplyResult.Empty);
        (await SimpleRowsAsync(connection, flow)).Should().Equal((1L, "current", null));
    }

    [SqlServerFact]
    public async Task Two_loads_of_the_same_snapshot_at_once_apply_it_once()
    {
        var schema = Simple();
        var flow = Flow(schema);
        var connection = await SharedDatabaseAsync(sqlServer);
        await using var first = Writer(connection);
        await using var second = Writer(connection);
        var rows = Enumerable.Range(1, 500).Select(i => Insert(T0, (long)i, "row", null)).ToList();

        var results = await Task.WhenAll(LoadAsync(first, flow, schema, 1, rows), LoadAsync(second, flow, schema, 1, rows));

        results.Count(r => r == ApplyResult.Empty).Should().Be(1, "the second waits for the first's lock, then finds the snapshot applied");
        (await ScalarAsync(connection, $"SELECT COUNT(*) FROM {Q(flow)}")).Should().Be(500);
    }

    [SqlServerFact]
    public async Task Types_built_in_sql_load_through_their_own_stage()
    {
        var schema = Schema("places",
        [
            new("node", LogicalType.String, Nullable: false, SourceType: "hierarchyid"),
            new("spot", LogicalType.String, SourceType: "geography"),
            new("shape", LogicalType.String, SourceType: "geometry"),
            new("any", LogicalType.Json, SourceType: "sql_variant"),
        ], "node");
        var flow = Flow(schema);
        var connection = await SharedDatabaseAsync(sqlServer);
        await using var writer = Writer(connection);

        await writer.LoadSnapshotAsync(flow, Chunks(Chunk(schema, 1, false), Chunk(schema, 2, true)), c => Rows(c.Sequence == 1
            ? [Insert(T0, "/1/", "SRID=4326;POINT (-122.35 47.65)", "SRID=0;LINESTRING (0 0, 1 1)", "{\"type\":\"decimal(10,2)\",\"value\":\"12.50\"}")]
            : [Insert(T0, "/1/2/", null, null, "{\"type\":\"nvarchar(20)\",\"value\":\"héllo\"}"), Insert(T0, "/", null, null, null)]), CancellationToken.None);

        var rows = await QueryAsync(connection,
            $"SELECT t.node.ToString(), t.spot.STAsText(), t.spot.STSrid, t.shape.STAsText(), CAST(SQL_VARIANT_PROPERTY(t.[any], 'BaseType') AS nvarchar(20)), CAST(t.[any] AS nvarchar(40)) FROM {Q(flow)} AS t ORDER BY t.node");
        rows.Should().HaveCount(3);
        rows[0].Should().Equal("/", null, null, null, null, null);
        rows[1].Should().Equal("/1/", "POINT (-122.35 47.65)", 4326, "LINESTRING (0 0, 1 1)", "decimal", "12.50");
        rows[2].Should().Equal("/1/2/", null, null, null, "nvarchar", "héllo");
    }

    private static async IAsyncEnumerable<Cdc.Core.Staging.CommitRecord> GatewayStops(Cdc.Core.Staging.CommitRecord chunk)
    {
        yield return chunk;
        await Task.Yield();
        throw new InvalidOperationException("the gateway stopped");
    }

    private static async IAsyncEnumerable<ChangeRow> PausingRows(TaskCompletionSource halfway, Task resume, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 1; i <= 1000; i++)
        {
            if (i == 501)
            {
                halfway.SetResult();
                await resume.WaitAsync(cancellationToken);
            }
            yield return Insert(T0, (long)i, "new", null);
        }
    }

    private static async IAsyncEnumerable<ChangeRow> Failing()
    {
        yield return Insert(T0, 6L, "new", null);
        await Task.Yield();
        throw new IOException("staged file unreadable");
    }
}
