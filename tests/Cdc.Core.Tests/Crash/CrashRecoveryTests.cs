using Cdc.Core.Model;
using Cdc.Core.Runs;
using Cdc.Core.Tests.EndToEnd;
using Cdc.Core.Tests.Fixtures;

namespace Cdc.Core.Tests.Crash;

/// <summary>
/// Kills runs at every durable operation in turn (each staging write, commit record, state write, lease write,
/// acknowledgement, apply, inside an apply's transaction, and between captured transactions), just before and just
/// after it takes effect. After each crash the next run must converge to the source: nothing lost, nothing applied
/// twice (the history has no repeated versions).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CrashRecoveryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_change_run_killed_at_any_operation_converges_on_the_next_run()
    {
        await using var harness = await PipelineHarness.CreateAsync(postgres, seed: 4242);
        await harness.Workload.RunRoundAsync(inserts: 40, updates: 0, deletes: 0, keyChanges: 0);
        (await harness.RunAsync()).Outcome.Should().Be(RunOutcome.Succeeded);

        var crashes = await CrashAtEveryOperationAsync(harness, fullRefresh: []);
        crashes.Should().BeGreaterThan(15, "a change run has many durable operations to crash at");
    }

    [Fact]
    public async Task A_full_refresh_killed_at_any_operation_converges_on_the_next_run()
    {
        await using var harness = await PipelineHarness.CreateAsync(postgres, seed: 777);
        // Two snapshot chunks of 1000 rows, so a refresh crashes between chunks too.
        await harness.Workload.RunRoundAsync(inserts: 1300, updates: 0, deletes: 0, keyChanges: 0);
        (await harness.RunAsync()).Outcome.Should().Be(RunOutcome.Succeeded);

        var crashes = await CrashAtEveryOperationAsync(harness, fullRefresh: [new TableId("select", "Order Details")]);
        crashes.Should().BeGreaterThan(15, "a refresh has many durable operations to crash at");
    }

    /// <returns>How many runs were killed.</returns>
    private static async Task<int> CrashAtEveryOperationAsync(PipelineHarness harness, TableId[] fullRefresh)
    {
        var crashes = 0;
        for (var operation = 1; ; operation++)
        {
            var crashedThisRound = false;
            foreach (var after in new[] { false, true })
            {
                await harness.Workload.RunRoundAsync(inserts: 3, updates: 3, deletes: 1, keyChanges: 1);
                var plan = new FaultPlan(operation, after);
                try
                {
                    await harness.RunAsync(plan, fullRefresh);
                }
                catch (SimulatedCrashException)
                {
                    // The run died; what it left behind is what a killed process leaves.
                }
                if (!plan.Crashed) continue;
                crashes++;
                crashedThisRound = true;
                harness.Time.PassLeaseExpiry();
                var recovery = await harness.RunAsync();
                recovery.Outcome.Should().Be(RunOutcome.Succeeded, $"after a crash at {plan.CrashedAt}: {RandomizedEndToEndTests.Describe(recovery)}");
                await harness.AssertConvergedAsync($"after a crash at {plan.CrashedAt}");
            }
            if (!crashedThisRound) return crashes;
        }
    }
}
