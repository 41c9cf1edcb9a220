using Cdc.Core.Tests.Fixtures;

namespace Cdc.Core.Tests.Sources.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresSourceClockTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_change_committed_after_the_source_clock_was_read_carries_a_later_commit_time()
    {
        await using var db = await SourceDatabase.CreateAsync(fixture, "CREATE TABLE public.t (id int PRIMARY KEY, v text)");
        var (connector, tables) = await db.PreparedAsync(SourceDatabase.Table("public", "t"));

        var readAt = await connector.CurrentTimeAsync(CancellationToken.None);
        await db.ExecuteAsync("INSERT INTO public.t VALUES (1, 'after the read')");
        var sink = new RecordingSink();
        await connector.CaptureChangesAsync(tables, null, sink, CancellationToken.None);

        readAt.Offset.Should().Be(TimeSpan.Zero);
        readAt.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), "the server runs on this machine");
        sink.Changes.Should().ContainSingle().Which.Row.CommitTime.Should().BeAfter(readAt, "commit times and the source clock are one clock");
    }
}
