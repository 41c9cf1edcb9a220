using System.Text.Json;
using Cdc.Core.Metering;
using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Staging.Stores;
using Cdc.Core.State;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Cdc.Core.Tests.Orchestration;

/// <summary>The orchestration run locally end to end: PostgreSQL to PostgreSQL through folder staging, metered.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LocalPostgresRunTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-orch-pg-").FullName;
    private string _source = "";
    private string _target = "";

    public async Task InitializeAsync()
    {
        _source = await postgres.NewDatabaseAsync("osrc");
        _target = await postgres.NewDatabaseAsync("otgt");
        await ExecuteAsync(_source, """
            CREATE TABLE public.orders (id int PRIMARY KEY, note text NOT NULL);
            INSERT INTO public.orders SELECT g, 'order ' || g FROM generate_series(1, 120) g;
            CREATE TABLE public.customers (id int PRIMARY KEY, name text);
            INSERT INTO public.customers SELECT g, 'customer ' || g FROM generate_series(1, 30) g;
            """);
    }

    [Fact]
    public async Task Runs_snapshot_then_apply_changes_and_a_full_refresh_of_one_table()
    {
        var slot = $"ingest_orch_{Guid.NewGuid():N}"[..30];
        var pipeline = new PipelineDefinition
        {
            Name = "orch-pg",
            Source = new SourceDefinition { Kind = SourceKind.Postgres, Connection = _source, Slot = slot, Publication = slot },
            Objects = [new ObjectDefinition { Schema = "public" }],
            Staging = new StagingDefinition { Location = _folder },
            Destination = new DestinationDefinition { Kind = DestinationKind.Postgres, Connection = _target, Schema = "mirror" },
            Run = new RunSettings { Parallelism = 2, SnapshotChunkRows = 50 },
        };
        var metering = MeteringContext.Open(pipeline, new MeteringSettings(), NullLoggerFactory.Instance);
        var events = new List<RunEvent>();
        var activities = new PipelineActivities(new InMemoryPipelineCatalog(pipeline), NullLoggerFactory.Instance, TimeProvider.System, new PipelineActivityOptions
        {
            LeaseDuration = TimeSpan.FromMinutes(1),
            Metering = _ => metering,
            Progress = new Collect(events),
        });
        Task<RunSummary> RunAsync(params string[] fullRefresh) => LocalOrchestrator.RunPipelineAsync(
            activities, new PipelineRunInput(pipeline.Name, RunRequest.NewRunId(), RunTrigger.Manual, fullRefresh, null, null),
            TimeProvider.System, ActivityRetry.Once, null, CancellationToken.None);

        var first = await RunAsync();

        first.Outcome.Should().Be(RunSummaryOutcome.Succeeded, first.Error ?? string.Join("; ", first.Run!.Tables.Select(t => t.Error)));
        first.Run!.Tables.Select(t => (t.Table.Name, t.RowsStaged)).Should().Equal(("customers", 30), ("orders", 120));
        (await CountAsync("orders")).Should().Be(120);
        (await CountAsync("customers")).Should().Be(30);
        first.UsageEvents.Select(e => JsonDocument.Parse(e).RootElement.GetProperty("record_type").GetString()).Should().HaveCount(5).And.OnlyContain(t => t == "usage");
        lock (events) events.OfType<RunFinished>().Should().ContainSingle();

        await ExecuteAsync(_source, """
            UPDATE public.orders SET note = 'changed' WHERE id <= 5;
            DELETE FROM public.orders WHERE id > 115;
            INSERT INTO public.customers VALUES (31, 'late');
            """);
        var second = await RunAsync("public.customers");

        second.Outcome.Should().Be(RunSummaryOutcome.Succeeded, second.Error ?? string.Join("; ", second.Run!.Tables.Select(t => t.Error)));
        (await CountAsync("orders")).Should().Be(115);
        (await ScalarAsync(_target, "SELECT count(*) FROM mirror.orders WHERE note = 'changed'")).Should().Be(5);
        (await CountAsync("customers")).Should().Be(31);
        var states = PipelineComponentsFactory.Create(pipeline, NullLoggerFactory.Instance).States;
        (await states.ReadTableAsync(new Cdc.Core.Model.TableId("public", "customers"), CancellationToken.None))!.Value.SnapshotGeneration.Should().Be(2);
        (await states.ReadTableAsync(new Cdc.Core.Model.TableId("public", "orders"), CancellationToken.None))!.Value.SnapshotGeneration.Should().Be(1);
        var store = StagingStoreFactory.Create(pipeline.Staging, pipeline.Name);
        (await new PipelineLease(store).GetHolderAsync(pipeline.Name, CancellationToken.None)).Should().BeNull();
        (await new RunHistory(store).RecentAsync(5, CancellationToken.None)).Select(r => r.RunId).Should().BeEquivalentTo([first.RunId, second.RunId]);
        (await new RunEventLog(store).ReadAsync(second.RunId, CancellationToken.None)).Should().Contain(l => l.Contains("\"type\":\"batch_applied\"", StringComparison.Ordinal));
    }

    private Task<long> CountAsync(string table) => ScalarAsync(_target, $"SELECT count(*) FROM mirror.{table}");

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
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

    private sealed class Collect(List<RunEvent> events) : IProgress<RunEvent>
    {
        public void Report(RunEvent value)
        {
            lock (events) events.Add(value);
        }
    }
}
