using System.Data;
using System.Globalization;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>
/// A change tracking table whose saved position falls below <c>CHANGE_TRACKING_MIN_VALID_VERSION</c> (change tracking
/// turned off and on again for it between runs, so the changes made meanwhile are recorded nowhere): snapshotted
/// again under the default policy, failed under <c>on_retention_gap: fail</c> until a full refresh. Never captured
/// past the gap, which would silently lose the changes made while tracking was off.
/// </summary>
[Collection(SqlServerCollection.Name)]
public sealed class SqlServerRetentionGapTests(SqlServerFixture sqlServer)
{
    private static readonly SqlWorkloadTable Gapped = SqlWorkloadTables.Unicode;
    private static readonly SqlWorkloadTable Other = SqlWorkloadTables.Hostile;
    private static readonly SqlWorkloadSet Tables = new([Gapped, Other], null);

    [SqlServerFact]
    public async Task A_retention_gap_under_the_default_policy_snapshots_the_table_again()
    {
        await using var harness = await SqlPipelineHarness.CreateAsync(sqlServer, Tables, seed: 61);
        await LoadAndOpenGapAsync(harness);
        var events = new RecordedEvents();

        var result = await harness.RunAsync(null, events);

        result.Outcome.Should().Be(RunOutcome.Succeeded, SqlPipelineHarness.Describe(result));
        events.Of<RetentionGap>().Should().ContainSingle("only the table whose tracking was reset has a gap")
            .Which.Table.Should().Be(Gapped.Id);
        await harness.AssertConvergedAsync("after the table with a retention gap was snapshotted again");
        (await harness.ReadStateAsync(Gapped.Id))!.SnapshotGeneration.Should().Be(2, "the gap made the gateway snapshot the table again");
        (await harness.ReadStateAsync(Other.Id))!.SnapshotGeneration.Should().Be(1, "the other table's changes were all still there");

        await harness.ChangeAsync();
        var next = await harness.RunAsync();
        next.Outcome.Should().Be(RunOutcome.Succeeded, SqlPipelineHarness.Describe(next));
        await harness.AssertConvergedAsync("changes after the new snapshot");
    }

    [SqlServerFact]
    public async Task A_retention_gap_under_fail_fails_the_table_until_a_full_refresh()
    {
        await using var harness = await SqlPipelineHarness.CreateAsync(sqlServer, Tables, seed: 62, new SqlHarnessOptions(OnRetentionGap: RetentionGapPolicy.Fail));
        await LoadAndOpenGapAsync(harness);
        var before = await harness.ReadTargetAsync(Gapped);
        SqlRowAssertions.SameRows(before, await harness.ReadSourceAsync(Gapped)).Should().BeFalse("the source changed while tracking was off, so an untouched target differs from it");

        foreach (var attempt in new[] { "the run that finds the gap", "the next run" })
        {
            var failed = await harness.RunAsync();

            failed.Outcome.Should().NotBe(RunOutcome.Succeeded, $"{attempt}: {Gapped.Id} must fail");
            failed.FailedTables.Should().Equal(new[] { Gapped.Id }, $"{attempt}: only the table with the gap fails");
            var table = failed.Tables.Single(t => t.Table == Gapped.Id);
            string.Join(" ", table.Flows.Select(f => f.Error).Prepend(table.Error)).Should().Contain("on_retention_gap is fail").And.Contain("full refresh");
            SqlRowAssertions.SameRows(await harness.ReadTargetAsync(Gapped), before).Should().BeTrue($"{attempt}: nothing is applied past a gap");
            var other = await harness.ReadTargetAsync(Other);
            other.ShouldEqualRows(await harness.ReadSourceAsync(Other), Other.Columns, 1, $"{attempt}: the other table goes on");
            (await harness.ReadStateAsync(Gapped.Id))!.SnapshotGeneration.Should().Be(1, $"{attempt}: no new snapshot without a full refresh");
        }

        var refreshed = await harness.RunAsync(null, null, Gapped.Id);

        refreshed.Outcome.Should().Be(RunOutcome.Succeeded, SqlPipelineHarness.Describe(refreshed));
        await harness.AssertConvergedAsync("after the full refresh of the table with a gap");
        var state = (await harness.ReadStateAsync(Gapped.Id))!;
        state.SnapshotGeneration.Should().Be(2);
        state.RetentionGap.Should().BeNull("the new snapshot clears the gap");
    }

    /// <summary>
    /// The initial load, changes, then change tracking off and on again for <see cref="Gapped"/> with changes in
    /// between (recorded nowhere) and after. Checks that the table's saved position is really below its minimum valid
    /// version now, so the test does not pass without a gap.
    /// </summary>
    private static async Task LoadAndOpenGapAsync(SqlPipelineHarness harness)
    {
        await harness.ChangeAsync(inserts: 60, updates: 0, deletes: 0, keyChanges: 0);
        var first = await harness.RunAsync();
        first.Outcome.Should().Be(RunOutcome.Succeeded, SqlPipelineHarness.Describe(first));
        await harness.AssertConvergedAsync("the initial load");

        // Advances the database's change tracking version past the saved positions.
        await harness.ChangeAsync();
        await SqlTestDatabase.ExecuteAsync(harness.Source, SqlWorkloadSql.DisableChangeTracking(Gapped));
        await harness.ChangeAsync(only: t => t.Id == Gapped.Id);
        await SqlTestDatabase.ExecuteAsync(harness.Source, SqlWorkloadSql.EnableChangeTracking(Gapped));
        await harness.ChangeAsync();

        var state = (await harness.ReadStateAsync(Gapped.Id))!;
        var saved = state.Position ?? state.SnapshotStartPosition!;
        saved.Should().StartWith("ct:");
        var savedVersion = long.Parse(saved["ct:".Length..], NumberStyles.None, CultureInfo.InvariantCulture);
        var minimum = await SqlTestDatabase.ScalarAsync<long>(harness.Source, "SELECT CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(@table))",
            new SqlParameter("@table", SqlDbType.NVarChar, 4000) { Value = Gapped.Quoted });
        minimum.Should().BeGreaterThan(savedVersion, "turning change tracking off and on again must leave the saved position below the minimum valid version");
    }
}
