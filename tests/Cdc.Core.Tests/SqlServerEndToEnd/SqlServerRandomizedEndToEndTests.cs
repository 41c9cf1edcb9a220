using Cdc.Core.Model;
using Cdc.Core.Runs;
using Cdc.Core.Tests.Fixtures;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>
/// Randomized workloads (inserts, updates of random columns, deletes, key changes, NULLs, every type the connector
/// carries, hostile identifiers) through several runs from a SQL Server source into a SQL Server target, staged in a
/// folder; after each run the target equals the source row for row and value for value, and the SCD 2 history chains.
/// A full refresh of one table in the middle must change nothing the comparison can see.
/// </summary>
[Collection(SqlServerCollection.Name)]
public sealed class SqlServerRandomizedEndToEndTests(SqlServerFixture sqlServer)
{
    [SqlServerTheory]
    [InlineData(11)]
    [InlineData(2024)]
    public async Task Change_tracking_tables_equal_their_source_after_every_run(int seed)
    {
        await using var harness = await SqlPipelineHarness.CreateAsync(sqlServer, SqlWorkloadSet.ChangeTracking, seed);

        await RunRoundsAsync(harness, refresh: SqlWorkloadTables.OrderDetails.Id);

        foreach (var table in SqlWorkloadSet.ChangeTracking.Tables)
            (await harness.ReadStateAsync(table.Id))!.Position.Should().StartWith("ct:", $"{table.Id} has a primary key and change tracking, so auto captures it with change tracking");
    }

    [SqlServerTheory]
    [InlineData(7)]
    [InlineData(99)]
    public async Task Cdc_tables_equal_their_source_after_every_run(int seed)
    {
        await using var harness = await SqlPipelineHarness.CreateAsync(sqlServer, SqlWorkloadSet.Cdc, seed);

        await RunRoundsAsync(harness, refresh: SqlWorkloadTables.EventsLog.Id);

        (await harness.ReadStateAsync(SqlWorkloadTables.EventsLog.Id))!.Position.Should().StartWith("lsn:", "a heap can only be captured through CDC");
        (await harness.ReadStateAsync(SqlWorkloadTables.Accounts.Id))!.Position.Should().StartWith("lsn:", "the pipeline asks for capture_mode: cdc although the table has change tracking too");
        (await harness.ReadStateAsync(SqlWorkloadTables.Unicode.Id))!.Position.Should().StartWith("ct:", "auto takes change tracking for a table with a primary key that has it");
    }

    /// <summary>The initial load, four rounds of changes (one with many updates and key changes), a full refresh of
    /// one table with changes pending, and changes after it.</summary>
    private static async Task RunRoundsAsync(SqlPipelineHarness harness, TableId refresh)
    {
        await harness.ChangeAsync(inserts: 150, updates: 0, deletes: 0, keyChanges: 0);
        await RunAndCheckAsync(harness, "initial snapshot");
        for (var round = 1; round <= 4; round++)
        {
            await harness.ChangeAsync();
            if (round == 2) await harness.ChangeAsync(inserts: 5, updates: 40, deletes: 3, keyChanges: 4);
            await RunAndCheckAsync(harness, $"round {round}");
        }

        await harness.ChangeAsync();
        var refreshed = await harness.RunAsync(null, null, refresh);
        refreshed.Outcome.Should().Be(RunOutcome.Succeeded, SqlPipelineHarness.Describe(refreshed));
        await harness.AssertConvergedAsync($"after a full refresh of {refresh}");
        (await harness.ReadStateAsync(refresh))!.SnapshotGeneration.Should().Be(2, "the full refresh took a second snapshot");

        await harness.ChangeAsync();
        await RunAndCheckAsync(harness, "changes after the full refresh");
    }

    private static async Task RunAndCheckAsync(SqlPipelineHarness harness, string when)
    {
        var result = await harness.RunAsync();
        result.Outcome.Should().Be(RunOutcome.Succeeded, $"{when}: {SqlPipelineHarness.Describe(result)}");
        result.Tables.Should().OnlyContain(t => t.RowsStaged > 0, $"{when}: every table had changes to stage");
        await harness.AssertConvergedAsync(when);
    }
}
