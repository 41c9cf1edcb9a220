using System.Text.Json;
using Cdc.Core.Metering;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Cdc.Core.Tests.Metering;

/// <summary>A real pipeline (PostgreSQL to PostgreSQL, folder staging) through the metered runner: the usage records
/// must match what the staged commit records and the target tables say happened.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MeteredPostgresRunTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly TableId Orders = new("public", "orders");
    private static readonly TableId Customers = new("public", "customers");
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-metered-pg-").FullName;
    private string _source = "";
    private string _target = "";

    public async Task InitializeAsync()
    {
        _source = await postgres.NewDatabaseAsync("msrc");
        _target = await postgres.NewDatabaseAsync("mtgt");
        await ExecuteAsync(_source, """
            CREATE TABLE public.orders (id int PRIMARY KEY, note text NOT NULL, amount numeric(12,2));
            INSERT INTO public.orders SELECT g, 'order ' || g, g * 1.5 FROM generate_series(1, 250) g;
            CREATE TABLE public.customers (id int PRIMARY KEY, name text);
            INSERT INTO public.customers SELECT g, 'customer ' || g FROM generate_series(1, 40) g;
            ANALYZE public.orders;
            """);
    }

    private PipelineDefinition Pipeline()
    {
        var slot = $"ingest_meter_{Guid.NewGuid():N}"[..30];
        return new PipelineDefinition
        {
            Name = "metered-pg",
            Source = new SourceDefinition { Kind = SourceKind.Postgres, Connection = _source, Slot = slot, Publication = slot },
            Objects = [new ObjectDefinition { Schema = "public", Table = "orders" }, new ObjectDefinition { Schema = "public", Table = "customers" }],
            Staging = new StagingDefinition { Location = _folder },
            Destination = new DestinationDefinition { Kind = DestinationKind.Postgres, Connection = _target, Schema = "mirror" },
            Tags = new Dictionary<string, string> { ["team"] = "data-platform" },
            Run = new RunSettings { Parallelism = 2, SnapshotChunkRows = 100, MaxBatchRows = 1000 },
        };
    }

    [Fact]
    public async Task Rows_bytes_and_files_in_the_usage_records_match_the_staged_batches_and_the_target_tables()
    {
        var pipeline = Pipeline();
        var metering = MeteringContext.Open(pipeline, new MeteringSettings(), NullLoggerFactory.Instance);
        var runner = MeteredPipelineRunner.ForPipeline(pipeline, metering, NullLoggerFactory.Instance);
        var staging = new StagingArea(StagingStoreFactory.Create(pipeline.Staging, pipeline.Name), NullLogger.Instance);

        var first = await runner.RunAsync(pipeline, RunRequest.Manual(), null, CancellationToken.None);

        first.Run.Outcome.Should().Be(RunOutcome.Succeeded);
        await AssertMatchesStagingAsync(first, staging, afterSequence: 0);
        Gateway(first, Orders).RowsStaged.Should().Be(new RowCounts(250, 0, 0));
        Gateway(first, Orders).FilesStaged.Should().BeGreaterThanOrEqualTo(3, "three snapshot chunks of at most 100 rows");
        Ingest(first, Orders).RowsApplied.Should().Be(new RowCounts(await CountAsync("orders"), 0, 0));
        Ingest(first, Customers).RowsApplied.Should().Be(new RowCounts(await CountAsync("customers"), 0, 0));
        var progress = (await new RunEventLog(StagingStoreFactory.Create(pipeline.Staging, pipeline.Name)).ReadAsync(first.Run.RunId, CancellationToken.None))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "snapshot_progress" && e.GetProperty("table").GetProperty("name").GetString() == "orders")
            .Select(e => e.GetProperty("percent").GetDouble())
            .ToList();
        progress.Should().Equal(40, 80, 100);

        var lastSequence = new Dictionary<TableId, long>();
        foreach (var table in new[] { Orders, Customers })
            lastSequence[table] = (await staging.LastCommitAsync(table, CancellationToken.None))!.Sequence;
        await ExecuteAsync(_source, """
            UPDATE public.orders SET note = note || ' (changed)' WHERE id <= 10;
            DELETE FROM public.orders WHERE id BETWEEN 241 AND 245;
            INSERT INTO public.orders SELECT g, 'late ' || g, NULL FROM generate_series(1001, 1007) g;
            UPDATE public.customers SET name = 'renamed' WHERE id = 1;
            """);

        var second = await runner.RunAsync(pipeline, RunRequest.Manual(), null, CancellationToken.None);

        second.Run.Outcome.Should().Be(RunOutcome.Succeeded);
        await AssertMatchesStagingAsync(second, staging, afterSequence: lastSequence);
        Gateway(second, Orders).RowsRead.Should().Be(new RowCounts(7, 10, 5));
        Gateway(second, Orders).RowsStaged.Should().Be(new RowCounts(7, 10, 5));
        Ingest(second, Orders).RowsApplied.Should().Be(new RowCounts(7, 10, 5));
        Ingest(second, Customers).RowsApplied.Should().Be(new RowCounts(0, 1, 0));
        (await CountAsync("orders")).Should().Be(250 + 7 - 5);
        Ingest(second, Orders).LagSeconds.Should().BeGreaterThanOrEqualTo(0);

        var ledger = await metering.Ledger.ReadAsync(DateOnly.FromDateTime(first.Usage.Records[0].Start.UtcDateTime), DateOnly.FromDateTime(DateTime.UtcNow), CancellationToken.None);
        ledger.Select(r => r.RunId).Distinct().Should().Equal(first.Run.RunId, second.Run.RunId);
        Directory.Exists(Path.Combine(_folder, DeploymentStore.Prefix, UsageLedger.Folder)).Should().BeTrue("the ledger sits beside the pipeline's prefix");
    }

    private static async Task AssertMatchesStagingAsync(MeteredRunResult result, StagingArea staging, object afterSequence)
    {
        foreach (var table in new[] { Orders, Customers })
        {
            var after = afterSequence is Dictionary<TableId, long> map ? map[table] : 0L;
            var commits = await staging.ListCommitsAsync(table, after, CancellationToken.None);
            var gateway = Gateway(result, table);
            gateway.RowsStaged.Total.Should().Be(commits.Sum(c => c.RowCount), $"rows staged of {table}");
            gateway.FilesStaged.Should().Be(commits.Sum(c => c.Files.Count), $"files staged of {table}");
            gateway.BytesStaged.Should().Be(commits.Sum(c => c.Files.Sum(f => f.Bytes)), $"bytes staged of {table}");
            Ingest(result, table).BytesRead.Should().Be(gateway.BytesStaged, $"{table}'s one flow reads back each batch it applies once");
            gateway.StorageOperations.Writes.Should().BeGreaterThanOrEqualTo(commits.Sum(c => c.Files.Count + 1), $"a write per part file and commit record of {table}");
        }
    }

    private static UsageRecord Gateway(MeteredRunResult result, TableId table) => result.Usage.Records.Single(r => r.Table == table && r.Step == UsageStep.Gateway);

    private static UsageRecord Ingest(MeteredRunResult result, TableId table) => result.Usage.Records.Single(r => r.Table == table && r.Step == UsageStep.Ingest);

    private async Task<long> CountAsync(string table)
    {
        await using var connection = new NpgsqlConnection(_target);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM mirror.{table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
