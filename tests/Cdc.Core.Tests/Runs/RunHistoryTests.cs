using Cdc.Core.Model;
using Cdc.Core.Runs;
using Cdc.Core.Staging.Stores;

namespace Cdc.Core.Tests.Runs;

public sealed class RunHistoryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-history-tests-").FullName;

    private static RunResult Run(string id, RunOutcome outcome, string? failedTable = null) => new(
        id, "orders", RunTrigger.Schedule, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(1), outcome,
        failedTable is null ? [] : [new TableRunResult(TableId.Parse(failedTable), 0, 0, 0, [], "gateway: boom")], null);

    [Fact]
    public async Task A_run_is_read_back_by_its_id_with_its_failed_tables()
    {
        var history = new RunHistory(new LocalFolderStore(_folder));
        await history.SaveAsync(Run("20261121T000000-aaaa0001", RunOutcome.Succeeded), CancellationToken.None);
        await history.SaveAsync(Run("20261121T000100-aaaa0002", RunOutcome.PartiallyFailed, "public.orders"), CancellationToken.None);

        var run = await history.GetAsync("20261121T000100-aaaa0002", CancellationToken.None);

        run!.Outcome.Should().Be(RunOutcome.PartiallyFailed);
        run.FailedTables.Should().Equal(TableId.Parse("public.orders"));
        (await history.RecentAsync(1, CancellationToken.None)).Single().RunId.Should().Be("20261121T000100-aaaa0002");
    }

    [Theory]
    [InlineData("missing-run")]
    [InlineData("../runs/x")]
    [InlineData("..")]
    [InlineData("a\\b")]
    [InlineData(" ")]
    public async Task An_unknown_id_or_one_that_is_not_a_record_name_finds_nothing(string runId)
    {
        var history = new RunHistory(new LocalFolderStore(_folder));
        await history.SaveAsync(Run("x", RunOutcome.Succeeded), CancellationToken.None);

        (await history.GetAsync(runId, CancellationToken.None)).Should().BeNull();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
