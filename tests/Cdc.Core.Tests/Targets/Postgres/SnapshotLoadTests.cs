using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.Staging;
using Cdc.Core.Targets;
using Cdc.Core.Targets.Postgres;
using Cdc.Core.Tests.Fixtures;
using Npgsql;
using static Cdc.Core.Tests.Targets.Postgres.TargetTestKit;

namespace Cdc.Core.Tests.Targets.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class SnapshotLoadTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData("ingest", "Order Details", "Order ID", "Unit Price")]
    [InlineData("select", "select", "select", "from")]
    [InlineData("a\"b", "a\"b", "a\"b", "c'd")]
    [InlineData("Ünïcödé", "Ünïcödé", "Ünïcödé", "ñ")]
    public async Task Loads_and_swaps_tables_with_hostile_names(string targetSchema, string table, string keyColumn, string valueColumn)
    {
        var schema = Schema(table, [new(keyColumn, LogicalType.Int32), new(valueColumn, LogicalType.String)], keyColumn);
        var flow = Flow(schema, targetSchema);
        var connection = await postgres.NewDatabaseAsync("tgt");
        await using var writer = new PostgresTargetWriter(connection);

        await LoadAsync(writer, flow, schema, 1, [Insert(T0, 1, "old"), Insert(T0, 2, "old")]);
        await writer.LoadSnapshotAsync(flow, Chunks(Chunk(schema, 2, false, 2), Chunk(schema, 3, true, 2)),
            c => Rows(c.Sequence == 2 ? [Insert(T0, 1, "new")] : [Insert(T0, 3, "new")]), CancellationToken.None);

        var rows = await QueryAsync(connection, $"SELECT * FROM {Q(flow)} ORDER BY 1");
        rows.Select(r => ((int)r[0]!, (string)r[1]!)).Should().Equal((1, "new"), (3, "new"));
        var key = await ScalarAsync(connection,
            $"SELECT string_agg(a.attname, ',') FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '{Q(flow).Replace("'", "''", StringComparison.Ordinal)}'::regclass AND i.indisprimary");
        key.Should().Be(keyColumn);
        (await ScalarAsync(connection, $"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{targetSchema.Replace("'", "''", StringComparison.Ordinal)}' AND c.relname LIKE '%ingest_new%'"))
            .Should().Be(0L, "the shadow table and its key are renamed away");
        var state = await writer.GetAppliedStateAsync(flow, CancellationToken.None);
        state.Should().BeEquivalentTo(new { Sequence = 3L, SnapshotGeneration = 2, SchemaFingerprint = schema.Fingerprint });
    }

    [Theory]
    [InlineData("ingest", "Order Details", "Order ID", "Unit Price", "New \"Col\"")]
    [InlineData("select", "select", "select", "from", "where")]
    [InlineData("a\"b", "a\"b", "a\"b", "c'd", "e\"f'g")]
    [InlineData("Ünïcödé", "Ünïcödé", "Ünïcödé", "ñ", "ß")]
    public async Task Applies_changes_and_evolves_tables_with_hostile_names(string targetSchema, string table, string keyColumn, string valueColumn, string newColumn)
    {
        var schema = Schema(table, [new(keyColumn, LogicalType.Int32), new(valueColumn, LogicalType.String)], keyColumn);
        var evolved = Schema(table, [.. schema.Columns, new(newColumn, LogicalType.String)], keyColumn);
        var connection = await postgres.NewDatabaseAsync("tgt");
        await using var writer = new PostgresTargetWriter(connection);
        var current = Flow(schema, targetSchema);
        var history = Flow(schema, targetSchema, table + " history", scd: 2);
        foreach (var flow in new[] { current, history })
        {
            await LoadAsync(writer, flow, schema, 1, [Insert(At(1), 1, "a"), Insert(At(1), 2, "b"), Insert(At(1), 3, "c")]);
            await ApplyAsync(writer, flow, evolved, 2,
                Update(At(2), 1, Unchanged.Value, "note"),
                Update(At(2), 2, "b*", null),
                Delete(At(2), 3, Unchanged.Value, Unchanged.Value),
                Insert(At(2), 4, "d", "new"));
        }

        var rows = await QueryAsync(connection, $"SELECT * FROM {Q(current)} ORDER BY 1");
        rows.Select(r => ((int)r[0]!, (string?)r[1], (string?)r[2])).Should().Equal((1, "a", "note"), (2, "b*", null), (4, "d", "new"));
        var open = await QueryAsync(connection, $"SELECT 1 FROM {Q(history)} WHERE \"__END_AT\" IS NULL");
        var all = await QueryAsync(connection, $"SELECT 1 FROM {Q(history)}");
        (open.Count, all.Count).Should().Be((3, 6), "keys 1, 2 and 4 are current; 1 and 2 have an old version, 3 only a closed one");
    }

    [Fact]
    public async Task A_reader_sees_the_old_table_until_the_new_one_is_complete()
    {
        var schema = Simple();
        var flow = Flow(schema);
        var connection = await SharedDatabaseAsync(postgres);
        await using var writer = new PostgresTargetWriter(connection);
        await LoadAsync(writer, flow, schema, 1, [Insert(T0, 1L, "old", Dec("1.00")), Insert(T0, 2L, "old", Dec("2.00"))]);
        var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var load = Task.Run(() => writer.LoadSnapshotAsync(flow, Chunks(Chunk(schema, 2, true, 2)), _ => PausingRows(halfway, resume.Task), CancellationToken.None));
        await halfway.Task;
        await using (var reader = new NpgsqlConnection(connection))
        {
            await reader.OpenAsync();
            await using (var timeout = new NpgsqlCommand("SET statement_timeout = '20s'", reader)) await timeout.ExecuteNonQueryAsync();
            await using var command = new NpgsqlCommand($"SELECT count(*), min(name) FROM {Q(flow)}", reader);
            await using var result = await command.ExecuteReaderAsync();
            await result.ReadAsync();
            (result.GetInt64(0), result.GetString(1)).Should().Be((2L, "old"));
        }
        resume.SetResult();
        var loaded = await load;

        loaded.Inserted.Should().Be(1000);
        (await ScalarAsync(connection, $"SELECT count(*) FROM {Q(flow)} WHERE name = 'new'")).Should().Be(1000L);
    }

    [Fact]
    public async Task A_failing_load_leaves_the_old_table_and_state()
    {
        var schema = Simple();
        var flow = Flow(schema);
        var connection = await SharedDatabaseAsync(postgres);
        await using var writer = new PostgresTargetWriter(connection);
        await LoadAsync(writer, flow, schema, 1, [Insert(T0, 1L, "old", Dec("1.00"))]);

        var act = () => writer.LoadSnapshotAsync(flow, Chunks(Chunk(schema, 2, false, 2), Chunk(schema, 3, true, 2)),
            c => c.Sequence == 2 ? Rows([Insert(T0, 5L, "new", null)]) : Failing(), CancellationToken.None);

        await act.Should().ThrowAsync<IOException>();
        (await SimpleRowsAsync(connection, flow)).Should().Equal((1L, "old", "1.00"));
        (await writer.GetAppliedStateAsync(flow, CancellationToken.None))!.Sequence.Should().Be(1);
    }

    [Fact]
    public async Task A_bad_value_names_table_column_and_key_and_changes_nothing()
    {
        var schema = Simple();
        var flow = Flow(schema);
        var connection = await SharedDatabaseAsync(postgres);
        await using var writer = new PostgresTargetWriter(connection);
        await LoadAsync(writer, flow, schema, 1, [Insert(T0, 1L, "old", Dec("1.00"))]);

        var nul = () => LoadAsync(writer, flow, schema, 2, [Insert(T0, 1L, "ok", null), Insert(T0, 42L, "bad\0text", null)], generation: 2);
        var wrongType = () => LoadAsync(writer, flow, schema, 2, [Insert(T0, 43L, "ok", 1.5m)], generation: 2);

        (await nul.Should().ThrowAsync<TargetValueException>()).WithMessage("*\"name\"*\"items\"*id=42*NUL*");
        (await wrongType.Should().ThrowAsync<TargetValueException>()).WithMessage("*\"amount\"*id=43*Decimal*Numeric*");
        (await SimpleRowsAsync(connection, flow)).Should().Equal((1L, "old", "1.00"));
    }

    [Fact]
    public async Task Duplicate_keys_in_a_snapshot_fail_with_the_key()
    {
        var schema = Simple();
        var connection = await SharedDatabaseAsync(postgres);
        await using var writer = new PostgresTargetWriter(connection);

        var act = () => LoadAsync(writer, Flow(schema), schema, 1, [Insert(T0, 7L, "a", null), Insert(T0, 7L, "b", null)]);

        await act.Should().ThrowAsync<InvalidDataException>().WithMessage("*primary key (id): key (id) = (7) occurs more than once*");
    }

    [Fact]
    public async Task Scd2_snapshot_rows_start_at_their_commit_time_and_stay_open()
    {
        var schema = Simple();
        var flow = Flow(schema, scd: 2);
        var connection = await SharedDatabaseAsync(postgres);
        await using var writer = new PostgresTargetWriter(connection);

        await LoadAsync(writer, flow, schema, 1, [Insert(At(1), 1L, "a", null), Insert(At(2), 2L, "b", null)]);

        var rows = await QueryAsync(connection, $"SELECT id, \"__START_AT\", \"__END_AT\" FROM {Q(flow)} ORDER BY id");
        rows.Select(r => ((long)r[0]!, (DateTime)r[1]!, r[2])).Should().Equal((1L, At(1).UtcDateTime, null), (2L, At(2).UtcDateTime, null));
    }

    [Fact]
    public async Task Soft_delete_snapshots_get_an_empty_deleted_at_column()
    {
        var schema = Simple();
        var flow = Flow(schema, softDeletes: true);
        var connection = await SharedDatabaseAsync(postgres);
        await using var writer = new PostgresTargetWriter(connection);

        await LoadAsync(writer, flow, schema, 1, [Insert(T0, 1L, "a", null)]);

        (await ColumnsAsync(connection, flow)).Should().Equal(("id", "bigint"), ("name", "text"), ("amount", "numeric(12,2)"), ("__DELETED_AT", "timestamp with time zone"));
        (await ScalarAsync(connection, $"SELECT count(*) FROM {Q(flow)} WHERE \"__DELETED_AT\" IS NULL")).Should().Be(1L);
    }

    [Fact]
    public async Task A_snapshot_at_or_below_the_applied_sequence_is_skipped()
    {
        var schema = Simple();
        var flow = Flow(schema);
        var connection = await SharedDatabaseAsync(postgres);
        await using var writer = new PostgresTargetWriter(connection);
        await LoadAsync(writer, flow, schema, 5, [Insert(T0, 1L, "current", null)]);

        var result = await LoadAsync(writer, flow, schema, 5, [Insert(T0, 1L, "replayed", null)]);

        result.Should().Be(ApplyResult.Empty);
        (await SimpleRowsAsync(connection, flow)).Should().Equal((1L, "current", null));
    }

    [Fact]
    public async Task Chunks_must_form_a_complete_snapshot()
    {
        var schema = Simple();
        var connection = await SharedDatabaseAsync(postgres);
        await using var writer = new PostgresTargetWriter(connection);

        var notFinal = () => writer.LoadSnapshotAsync(Flow(schema), Chunks(Chunk(schema, 1, false)), _ => Rows([]), CancellationToken.None);
        var mixed = () => writer.LoadSnapshotAsync(Flow(schema), Chunks(Chunk(schema, 1, false, 1), Chunk(schema, 2, true, 2)), _ => Rows([]), CancellationToken.None);

        await notFinal.Should().ThrowAsync<ArgumentException>().WithMessage("*before the final chunk*");
        await mixed.Should().ThrowAsync<ArgumentException>().WithMessage("*generation*");
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
