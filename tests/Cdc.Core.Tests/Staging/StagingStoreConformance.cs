using System.Text;
using Cdc.Core.Staging;

namespace Cdc.Core.Tests.Staging;

/// <summary>What every <see cref="IStagingStore"/> must do, run against each implementation.</summary>
public abstract class StagingStoreConformance
{
    protected abstract IStagingStore Store { get; }

    /// <summary>A second client over the same storage (another instance, as another process would have).</summary>
    protected abstract IStagingStore OtherClient();

    private static readonly CancellationToken None = CancellationToken.None;

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(StoredObject stored) => Encoding.UTF8.GetString(stored.Content.Span);

    [Fact]
    public async Task Write_then_read_returns_the_content_and_a_stable_etag()
    {
        var etag = await Store.WriteAsync("a/b/c.json", Bytes("one"), WriteCondition.None, None);
        var first = await Store.ReadAsync("a/b/c.json", None);
        var second = await Store.ReadAsync("a/b/c.json", None);

        Text(first!).Should().Be("one");
        first!.ETag.Should().Be(etag);
        second!.ETag.Should().Be(etag, "nothing was written in between");
        (await Store.ReadAsync("a/b/missing.json", None)).Should().BeNull();
    }

    [Fact]
    public async Task Every_write_changes_the_etag_even_with_the_same_content()
    {
        var etags = new List<string>();
        for (var i = 0; i < 5; i++) etags.Add(await Store.WriteAsync("same.bin", Bytes("same"), WriteCondition.None, None));
        etags.Should().OnlyHaveUniqueItems();
        (await Store.ReadAsync("same.bin", None))!.ETag.Should().Be(etags[^1]);
    }

    [Fact]
    public async Task If_not_exists_creates_once_and_then_conflicts()
    {
        await Store.WriteAsync("create.json", Bytes("first"), WriteCondition.IfNotExists, None);
        var act = () => Store.WriteAsync("create.json", Bytes("second"), WriteCondition.IfNotExists, None);

        (await act.Should().ThrowAsync<StagingConflictException>()).Which.Path.Should().Be("create.json");
        Text((await Store.ReadAsync("create.json", None))!).Should().Be("first");
    }

    [Fact]
    public async Task If_match_succeeds_with_the_current_etag_and_conflicts_with_a_stale_or_missing_one()
    {
        var first = await Store.WriteAsync("state.json", Bytes("v1"), WriteCondition.None, None);
        var second = await Store.WriteAsync("state.json", Bytes("v2"), WriteCondition.IfMatch(first), None);
        second.Should().NotBe(first);

        var stale = () => Store.WriteAsync("state.json", Bytes("v3"), WriteCondition.IfMatch(first), None);
        (await stale.Should().ThrowAsync<StagingConflictException>()).Which.Path.Should().Be("state.json");
        Text((await Store.ReadAsync("state.json", None))!).Should().Be("v2");

        var missing = () => Store.WriteAsync("nothing-here.json", Bytes("v1"), WriteCondition.IfMatch(second), None);
        await missing.Should().ThrowAsync<StagingConflictException>();
        (await Store.ReadAsync("nothing-here.json", None)).Should().BeNull();
    }

    [Fact]
    public async Task Unconditional_write_replaces_whatever_is_there()
    {
        await Store.WriteAsync("plain.bin", Bytes("old"), WriteCondition.IfNotExists, None);
        await Store.WriteAsync("plain.bin", Bytes("new"), WriteCondition.None, None);
        Text((await Store.ReadAsync("plain.bin", None))!).Should().Be("new");
    }

    [Fact]
    public async Task Delete_honours_if_match_and_ignores_missing_objects()
    {
        var etag = await Store.WriteAsync("lease.json", Bytes("x"), WriteCondition.None, None);
        var newer = await Store.WriteAsync("lease.json", Bytes("y"), WriteCondition.IfMatch(etag), None);

        var stale = () => Store.DeleteAsync("lease.json", etag, None);
        await stale.Should().ThrowAsync<StagingConflictException>();
        (await Store.ReadAsync("lease.json", None)).Should().NotBeNull();

        await Store.DeleteAsync("lease.json", newer, None);
        (await Store.ReadAsync("lease.json", None)).Should().BeNull();
        await Store.DeleteAsync("lease.json", null, None);
        await Store.DeleteAsync("lease.json", newer, None);
    }

    [Fact]
    public async Task List_returns_objects_under_a_prefix_in_ordinal_order()
    {
        foreach (var path in new[] { "t/b.json", "t/a/2.json", "t/a/10.json", "t/a-b.json", "t/B.json", "u/x.json" })
            await Store.WriteAsync(path, Bytes(path), WriteCondition.None, None);

        var all = await ToListAsync(Store.ListAsync("t/", None));
        all.Select(e => e.Path).Should().Equal("t/B.json", "t/a-b.json", "t/a/10.json", "t/a/2.json", "t/b.json");
        all.Single(e => e.Path == "t/b.json").Size.Should().Be(Bytes("t/b.json").Length);
        all.Single(e => e.Path == "t/b.json").ETag.Should().Be((await Store.ReadAsync("t/b.json", None))!.ETag);

        (await ToListAsync(Store.ListAsync("t/a", None))).Select(e => e.Path).Should().Equal("t/a-b.json", "t/a/10.json", "t/a/2.json");
        (await ToListAsync(Store.ListAsync("nothing/", None))).Should().BeEmpty();
    }

    [Fact]
    public async Task Copy_duplicates_an_object()
    {
        await Store.WriteAsync("from/file.bin", Bytes("payload"), WriteCondition.None, None);
        await Store.CopyAsync("from/file.bin", "to/file.bin", None);
        Text((await Store.ReadAsync("to/file.bin", None))!).Should().Be("payload");
        Text((await Store.ReadAsync("from/file.bin", None))!).Should().Be("payload");
    }

    [Theory]
    [InlineData("../escape.json")]
    [InlineData("a/../../escape.json")]
    [InlineData("/absolute.json")]
    [InlineData("a\\b.json")]
    [InlineData("a//b.json")]
    [InlineData("./a.json")]
    [InlineData("")]
    public async Task Paths_that_could_leave_the_root_are_rejected(string path)
    {
        var write = () => Store.WriteAsync(path, Bytes("x"), WriteCondition.None, None);
        (await write.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("path");
        var read = () => Store.ReadAsync(path, None);
        await read.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task Racing_creators_of_one_path_have_exactly_one_winner()
    {
        var stores = new[] { Store, OtherClient() };
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await stores[i % 2].WriteAsync("race/create.json", Bytes($"writer {i}"), WriteCondition.IfNotExists, None);
                return i;
            }
            catch (StagingConflictException)
            {
                return -1;
            }
        })));

        var winners = results.Where(r => r >= 0).ToList();
        winners.Should().ContainSingle();
        Text((await Store.ReadAsync("race/create.json", None))!).Should().Be($"writer {winners[0]}");
    }

    [Fact]
    public async Task Racing_updaters_from_one_etag_have_exactly_one_winner()
    {
        var etag = await Store.WriteAsync("race/update.json", Bytes("start"), WriteCondition.None, None);
        var stores = new[] { Store, OtherClient() };
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await stores[i % 2].WriteAsync("race/update.json", Bytes($"writer {i}"), WriteCondition.IfMatch(etag), None);
                return i;
            }
            catch (StagingConflictException)
            {
                return -1;
            }
        })));

        var winners = results.Where(r => r >= 0).ToList();
        winners.Should().ContainSingle();
        Text((await Store.ReadAsync("race/update.json", None))!).Should().Be($"writer {winners[0]}");
    }

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }
}
