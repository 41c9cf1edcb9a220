using Cdc.Core.Model;
using Cdc.Core.Targets.Postgres;
using Cdc.Core.Tests.Fixtures;
using Npgsql;
using static Cdc.Core.Tests.Targets.Postgres.TargetTestKit;

namespace Cdc.Core.Tests.Targets.Postgres;

/// <summary>A snapshot larger than the COPY writer's buffer, so rows cross many flushes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LargeSnapshotLoadTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Rows_spanning_many_buffer_flushes_all_arrive_intact()
    {
        var schema = Schema("wide", [new ColumnSchema("id", LogicalType.Int32, Nullable: false), new ColumnSchema("text", LogicalType.String), new ColumnSchema("n", LogicalType.Decimal, Precision: 20, Scale: 3)], "id");
        var connection = await SharedDatabaseAsync(postgres);
        await using var writer = new PostgresTargetWriter(connection);
        const int count = 20_000;
        var rows = Enumerable.Range(1, count).Select(i => Insert(T0, i, new string((char)('a' + i % 26), 100 + i % 50), Numeric.Parse($"{i}.{i % 1000:000}")));

        var flow = Flow(schema);
        var result = await writer.LoadSnapshotAsync(flow, Chunks(Chunk(schema, 1, final: true)), _ => Rows(rows), CancellationToken.None);

        result.Inserted.Should().Be(count);
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var check = new NpgsqlCommand(
            $"SELECT count(*), sum(length(text)), sum(n)::text FROM \"{flow.TargetSchema}\".wide", db);
        await using var reader = await check.ExecuteReaderAsync();
        await reader.ReadAsync();
        reader.GetInt64(0).Should().Be(count);
        reader.GetInt64(1).Should().Be(Enumerable.Range(1, count).Sum(i => 100L + i % 50));
        reader.GetString(2).Should().Be(Enumerable.Range(1, count).Aggregate(0m, (sum, i) => sum + decimal.Parse($"{i}.{i % 1000:000}", System.Globalization.CultureInfo.InvariantCulture)).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
    }
}
