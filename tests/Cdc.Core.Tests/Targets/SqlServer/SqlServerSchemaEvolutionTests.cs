using Cdc.Core.Model;
using Cdc.Core.Targets;
using Cdc.Core.Targets.SqlServer;
using Cdc.Core.Tests.Fixtures;
using static Cdc.Core.Tests.Targets.SqlServer.SqlTargetTestKit;

namespace Cdc.Core.Tests.Targets.SqlServer;

[Collection(SqlServerCollection.Name)]
public sealed class SqlServerSchemaEvolutionTests(SqlServerFixture sqlServer)
{
    private static readonly TableSchema Original = Schema("orders",
    [
        new("id", LogicalType.Int32),
        new("qty", LogicalType.Int16),
        new("price", LogicalType.Decimal, Precision: 10, Scale: 2),
        new("ratio", LogicalType.Float32),
        new("seen", LogicalType.Timestamp, SourceType: "datetime2(3)"),
        new("comment", LogicalType.String, MaxLength: 20),
    ], "id");

    [SqlServerFact]
    public async Task A_new_column_is_added_at_the_end_and_is_null_for_existing_rows()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;
        var evolved = Schema("orders", [.. Original.Columns, new("note", LogicalType.String)], "id");

        await ApplyAsync(writer, flow, evolved, 2, Insert(At(1), 2, (short)1, Dec("1.00"), 1f, null, null, "hello"));

        (await ColumnsAsync(connection, flow)).Select(c => c.Name).Should().Equal("id", "qty", "price", "ratio", "seen", "comment", "note");
        (await QueryAsync(connection, $"SELECT id, note FROM {Q(flow)} ORDER BY id")).Select(r => ((int)r[0]!, r[1])).Should().Equal((1, null), (2, "hello"));
        (await writer.GetAppliedStateAsync(flow, CancellationToken.None))!.SchemaFingerprint.Should().Be(evolved.Fingerprint);
        var json = (string)(await ScalarAsync(connection, $"SELECT schema_json FROM [_ingest].[applied_batches] WHERE target_schema = N'{flow.TargetSchema}'"))!;
        json.Should().Contain("{\"name\":\"note\",\"type\":\"nvarchar(max)\"");
    }

    [SqlServerFact]
    public async Task Widened_types_are_altered_and_keep_their_values()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;
        var widened = Schema("orders",
        [
            new("id", LogicalType.Int32),
            new("qty", LogicalType.Int64),
            new("price", LogicalType.Decimal, Precision: 20, Scale: 4),
            new("ratio", LogicalType.Float64),
            new("seen", LogicalType.Timestamp, SourceType: "datetime2(7)"),
            new("comment", LogicalType.String, MaxLength: 200),
        ], "id");

        await ApplyAsync(writer, flow, widened, 2, Insert(At(1), 2, 5_000_000_000L, Dec("1234567890123456.1234"), 0.1, new DateTime(2024, 1, 1).AddTicks(1), new string('x', 150)));

        (await ColumnsAsync(connection, flow)).Select(c => c.Type).Should().Equal("int", "bigint", "decimal(20,4)", "float", "datetime2(7)", "nvarchar(200)");
        (await QueryAsync(connection, $"SELECT qty, CAST(price AS nvarchar(40)), ratio, seen FROM {Q(flow)} ORDER BY id")).Select(r => ((long)r[0]!, (string)r[1]!, (double)r[2]!, (DateTime)r[3]!))
            .Should().Equal((7L, "12.5000", 0.5, new DateTime(2024, 1, 1, 10, 0, 0, 123)), (5_000_000_000L, "1234567890123456.1234", 0.1, new DateTime(2024, 1, 1).AddTicks(1)));
    }

    [SqlServerFact]
    public async Task A_column_dropped_at_the_source_stays_and_new_rows_get_null()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;
        var fewer = Schema("orders", Original.Columns.Where(c => c.Name != "comment").ToList(), "id");

        await ApplyAsync(writer, flow, fewer, 2, Insert(At(1), 2, (short)1, Dec("1.00"), 1f, null), Update(At(1), 1, (short)8, Dec("12.50"), 0.5f, null));

        (await QueryAsync(connection, $"SELECT id, qty, comment FROM {Q(flow)} ORDER BY id")).Select(r => ((int)r[0]!, (short)r[1]!, r[2]))
            .Should().Equal((1, (short)8, "keep me"), (2, (short)1, null));
    }

    [SqlServerTheory]
    [InlineData("qty", LogicalType.Boolean, null, null, "\"qty\"*from smallint to bit")]
    [InlineData("price", LogicalType.Decimal, 8, 2, "\"price\"*from decimal(10,2) to decimal(8,2)")]
    [InlineData("price", LogicalType.Decimal, 12, 1, "\"price\"*from decimal(10,2) to decimal(12,1)")]
    [InlineData("ratio", LogicalType.Int64, null, null, "\"ratio\"*from real to bigint")]
    [InlineData("seen", LogicalType.TimestampTz, null, null, "\"seen\"*from datetime2(3) to datetimeoffset(7)")]
    [InlineData("comment", LogicalType.Uuid, null, null, "\"comment\"*from nvarchar(20) to uniqueidentifier")]
    [InlineData("id", LogicalType.Int64, null, null, "key column \"id\"*from int to bigint")]
    public async Task A_breaking_type_change_throws_and_leaves_data_and_state_untouched(string column, LogicalType type, int? precision, int? scale, string message)
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;
        var changed = Schema("orders", Original.Columns.Select(c => c.Name == column ? new ColumnSchema(column, type, Precision: precision, Scale: scale) : c).ToList(), "id");
        var row = Original.Columns.Select(c => c.Name == "id" ? (object?)(type == LogicalType.Int64 && column == "id" ? 2L : 2) : null).ToArray();

        var act = () => ApplyAsync(writer, flow, changed, 2, Insert(At(1), row));

        (await act.Should().ThrowAsync<SchemaEvolutionException>()).WithMessage("*" + message + "*");
        await AssertUntouchedAsync(connection, writer, flow);
    }

    [SqlServerFact]
    public async Task A_changed_key_throws_and_leaves_data_and_state_untouched()
    {
        var (connection, writer, flow) = await StartAsync();
        await using var _ = writer;
        var rekeyed = Schema("orders", [.. Original.Columns, new("note", LogicalType.String)], "id", "qty");

        var act = () => ApplyAsync(writer, flow, rekeyed, 2, Insert(At(1), 2, (short)1, null, null, null, null, "x"));

        (await act.Should().ThrowAsync<SchemaEvolutionException>()).WithMessage("*key changed from (\"id\") to (\"id\", \"qty\")*");
        await AssertUntouchedAsync(connection, writer, flow);
        (await ColumnsAsync(connection, flow)).Should().HaveCount(6, "the new column of the refused batch was not added");
    }

    private async Task<(string Connection, SqlServerTargetWriter Writer, IngestFlow Flow)> StartAsync()
    {
        var connection = await SharedDatabaseAsync(sqlServer);
        var flow = Flow(Original);
        var writer = Writer(connection);
        await LoadAsync(writer, flow, Original, 1, [Insert(T0, 1, (short)7, Dec("12.50"), 0.5f, new DateTime(2024, 1, 1, 10, 0, 0, 123), "keep me")]);
        return (connection, writer, flow);
    }

    private static async Task AssertUntouchedAsync(string connection, SqlServerTargetWriter writer, IngestFlow flow)
    {
        (await QueryAsync(connection, $"SELECT id, qty, CAST(price AS nvarchar(40)), comment FROM {Q(flow)}")).Should().ContainSingle()
            .Which.Should().Equal(1, (short)7, "12.50", "keep me");
        (await ColumnsAsync(connection, flow)).Select(c => c.Type).Should().Equal("int", "smallint", "decimal(10,2)", "real", "datetime2(3)", "nvarchar(20)");
        (await writer.GetAppliedStateAsync(flow, CancellationToken.None)).Should().BeEquivalentTo(new { Sequence = 1L, SchemaFingerprint = Original.Fingerprint });
    }
}
