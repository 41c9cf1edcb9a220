using Cdc.Core.Model;
using Cdc.Core.Runs;
using Cdc.Core.Tests.Crash;
using Cdc.Core.Tests.Fixtures;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>
/// Kills runs from a SQL Server source into a SQL Server target at every durable operation in turn (each staging
/// write, commit record, state and lease write, acknowledgement, apply, inside an apply's transaction, and between
/// captured transactions), just before and just after it takes effect; for change tracking and for CDC, for change
/// runs and for full refreshes. After each crash the next run must converge to the source: nothing lost, nothing
/// applied twice (the history has no repeated versions).
/// </summary>
[Collection(SqlServerCollection.Name)]
public sealed class SqlServerCrashRecoveryTests(SqlServerFixture sqlServer)
{
    /// <summary>A table with history and every type, and one with hostile names and a rowversion.</summary>
    private static readonly SqlWorkloadSet ChangeTracking = new([SqlWorkloadTables.OrderDetails, SqlWorkloadTables.Hostile], SqlWorkloadTables.OrderDetails);

    /// <summary>The heap with declared keys and every type, with history.</summary>
    private static readonly SqlWorkloadSet Cdc = new([SqlWorkloadTables.EventsLog], SqlWorkloadTables.EventsLog);

    [SqlServerFact]
    public async Task A_change_tracking_change_run_killed_at_any_operation_converges_on_the_next_run()
    {
        await using var harness = await SqlPipelineHarness.CreateAsync(sqlServer, ChangeTracking, seed: 4242);
        await InitialLoadAsync(harness, rows: 40);

        var crashes = await CrashAtEveryOperationAsync(harness, fullRefresh: []);
        crashes.Should().BeGreaterThan(10, "a change run has many durable operations to crash at");
    }

    [SqlServerFact]
    public async Task A_change_tracking_full_refresh_killed_at_any_operation_converges_on_the_next_run()
    {
        await using var harness = await SqlPipelineHarness.CreateAsync(sqlServer, ChangeTracking, seed: 777);
        // Three snapshot chunks of 100 rows, so a refresh crashes between chunks too.
        await InitialLoadAsync(harness, rows: 250);

        var crashes = await CrashAtEveryOperationAsync(harness, fullRefresh: [SqlWorkloadTables.OrderDetails.Id]);
        crashes.Should().BeGreaterThan(10, "a refresh has many durable operations to crash at");
    }

    [SqlServerFact]
    public async Task A_cdc_change_run_killed_at_any_operation_converges_on_the_next_run()
    {
        await using var harness = await SqlPipelineHarness.CreateAsync(sqlServer, Cdc, seed: 31337);
        await InitialLoadAsync(harness, rows: 40);

        var crashes = await CrashAtEveryOperationAsync(harness, fullRefresh: []);
        crashes.Should().BeGreaterThan(10, "a change run has many durable operations to crash at");
    }

    [SqlServerFact]
    public async Task A_cdc_full_refresh_killed_at_any_operation_converges_on_the_next_run()
    {
        await using var harness = await SqlPipelineHarness.CreateAsync(sqlServer, Cdc, seed: 9001);
        await InitialLoadAsync(harness, rows: 250);

        var crashes = await CrashAtEveryOperationAsync(harness, fullRefresh: [SqlWorkloadTables.EventsLog.Id]);
        crashes.Should().BeGreaterThan(10, "a refresh has many durable operations to crash at");
    }

    private static async Task InitialLoadAsync(SqlPipelineHarness harness, int rows)
    {
        await harness.ChangeAsync(inserts: rows, updates: 0, deletes: 0, keyChanges: 0);
        var first = await harness.RunAsync();
        first.Outcome.Should().Be(RunOutcome.Succeeded, SqlPipelineHarness.Describe(first));
        await harness.AssertConvergedAsync("the initial load");
    }

    /// <returns>How many runs were killed.</returns>
    private static async Task<int> CrashAtEveryOperationAsync(SqlPipelineHarness harness, TableId[] fullRefresh)
    {
        var crashes = 0;
        for (var operation = 1; ; operation++)
        {
            var crashedThisRound = false;
            foreach (var after in new[] { false, true })
            {
                await harness.ChangeAsync(inserts: 3, updates: 3, deletes: 1, keyChanges: 1);
                var plan = new FaultPlan(operation, after);
                RunResult? result = null;
                try
                {
                    result = await harness.RunAsync(plan, null, fullRefresh);
                }
                catch (SimulatedCrashException)
                {
                    // The run died; what it left behind is what a killed process leaves.
                }
                if (!plan.Crashed)
                {
                    // The run has fewer operations than the plan counts to: it must have done all its work.
                    result.Should().NotBeNull("a run that did not crash returns its result");
                    result!.Outcome.Should().Be(RunOutcome.Succeeded, $"a run of {plan.Operations} operations that did not crash: {SqlPipelineHarness.Describe(result)}");
                    await harness.AssertConvergedAsync($"a run of {plan.Operations} operations that did not crash");
                    continue;
                }
                crashes++;
                crashedThisRound = true;
                harness.Time.PassLeaseExpiry();
                var recovery = await harness.RunAsync();
                recovery.Outcome.Should().Be(RunOutcome.Succeeded, $"after a crash at {plan.CrashedAt}: {SqlPipelineHarness.Describe(recovery)}");
                await harness.AssertConvergedAsync($"after a crash at {plan.CrashedAt}");
            }
            if (!crashedThisRound) return crashes;
        }
    }
}
