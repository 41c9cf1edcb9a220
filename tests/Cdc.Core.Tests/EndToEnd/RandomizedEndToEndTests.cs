using Cdc.Core.Model;
using Cdc.Core.Runs;
using Cdc.Core.Tests.Fixtures;
using Cdc.Core.Local;

namespace Cdc.Core.Tests.EndToEnd;

/// <summary>
/// Randomized workloads (inserts, updates of random columns, deletes, key changes, NULLs, every supported type,
/// hostile identifiers) through several runs; after each run the target equals the source row for row.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RandomizedEndToEndTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(11)]
    [InlineData(2024)]
    public async Task Target_equals_source_after_every_run_with_folder_staging(int seed)
    {
        await using var harness = await PipelineHarness.CreateAsync(postgres, seed);
        await RunRoundsAsync(harness);
    }

    [Fact]
    public async Task Target_equals_source_after_every_run_with_azurite_staging()
    {
        await using var azurite = await LocalAzurite.StartAsync();
        await using var harness = await PipelineHarness.CreateAsync(postgres, seed: 7, azurite.ConnectionString);
        await RunRoundsAsync(harness);
    }

    [Fact]
    public async Task A_dropped_replication_slot_makes_the_next_run_snapshot_again_instead_of_losing_changes()
    {
        await using var harness = await PipelineHarness.CreateAsync(postgres, seed: 5);
        await harness.Workload.RunRoundAsync(inserts: 30, updates: 0, deletes: 0, keyChanges: 0);
        await RunAndCheckAsync(harness, "initial snapshot");
        await using (var connection = new Npgsql.NpgsqlConnection(harness.Source))
        {
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"SELECT pg_drop_replication_slot('{harness.Pipeline.Source.Slot}')", connection);
            await drop.ExecuteNonQueryAsync();
        }
        // These changes happen while no slot exists: no log keeps them.
        await harness.Workload.RunRoundAsync();

        var result = await harness.RunAsync();

        result.Outcome.Should().Be(RunOutcome.Succeeded, Describe(result));
        await harness.AssertConvergedAsync("after the slot was dropped and recreated");
        var status = await PipelineStatusReader.ReadAsync(harness.Pipeline,
            PipelineComponentsFactory.Create(harness.Pipeline, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance), 1, CancellationToken.None);
        status.Tables.Should().OnlyContain(t => t.SnapshotGeneration == 2, "every table was snapshotted again");
    }

    private static async Task RunRoundsAsync(PipelineHarness harness)
    {
        await harness.Workload.RunRoundAsync(inserts: 150, updates: 0, deletes: 0, keyChanges: 0);
        await RunAndCheckAsync(harness, "initial snapshot");
        for (var round = 1; round <= 4; round++)
        {
            await harness.Workload.RunRoundAsync();
            if (round == 2) await harness.Workload.RunRoundAsync(inserts: 5, updates: 40, deletes: 3, keyChanges: 4);
            await RunAndCheckAsync(harness, $"round {round}");
        }

        await harness.Workload.RunRoundAsync();
        var refreshed = await harness.RunAsync(null, new TableId("select", "Order Details"));
        refreshed.Outcome.Should().Be(RunOutcome.Succeeded, Describe(refreshed));
        await harness.AssertConvergedAsync("after a full refresh of select.\"Order Details\"");

        await harness.Workload.RunRoundAsync();
        await RunAndCheckAsync(harness, "changes after the full refresh");
    }

    private static async Task RunAndCheckAsync(PipelineHarness harness, string when)
    {
        var result = await harness.RunAsync();
        result.Outcome.Should().Be(RunOutcome.Succeeded, Describe(result));
        result.Tables.Should().OnlyContain(t => t.RowsStaged > 0, $"{when}: every table had changes to stage");
        await harness.AssertConvergedAsync(when);
    }

    internal static string Describe(RunResult result) =>
        result.Error ?? string.Join("; ", result.Tables.Select(t => t.Error ?? string.Join(", ", t.Flows.Select(f => f.Error))).Where(e => !string.IsNullOrEmpty(e)));
}
