using Cdc.Core.Model;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.State;
using Cdc.Core.Tests.Staging;

namespace Cdc.Core.Tests.State;

public sealed class GatewayStateStoreTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TableId Table = new("public", "order lines");

    private readonly TempFolder _folder = new();
    private readonly LocalFolderStore _store;
    private readonly GatewayStateStore _state;

    public GatewayStateStoreTests()
    {
        _store = new LocalFolderStore(_folder.Path);
        _state = new GatewayStateStore(_store);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Table_state_is_created_once_and_reads_back_equal()
    {
        (await _state.ReadTableAsync(Table, None)).Should().BeNull();
        var state = TableGatewayState.New(Table) with { LastSequence = 3, SnapshotGeneration = 1, SnapshotCursor = "[42]", Position = "0/16B3748", SchemaFingerprint = "abc" };

        var etag = await _state.WriteTableAsync(state, null, None);
        var read = await _state.ReadTableAsync(Table, None);

        read!.Value.Should().Be(state);
        read.ETag.Should().Be(etag);
        File.Exists(Path.Combine(_folder.Path, "state", "tables", "public.order%20lines.json")).Should().BeTrue();
        var again = () => _state.WriteTableAsync(state, null, None);
        await again.Should().ThrowAsync<StagingConflictException>("creating state that exists means another gateway got there first");
    }

    [Fact]
    public async Task A_write_from_a_stale_read_loses()
    {
        await _state.WriteTableAsync(TableGatewayState.New(Table), null, None);
        var first = (await _state.ReadTableAsync(Table, None))!;
        var second = (await _state.ReadTableAsync(Table, None))!;

        await _state.WriteTableAsync(first.Value with { LastSequence = 1 }, first.ETag, None);
        var stale = () => _state.WriteTableAsync(second.Value with { LastSequence = 99 }, second.ETag, None);

        await stale.Should().ThrowAsync<StagingConflictException>();
        (await _state.ReadTableAsync(Table, None))!.Value.LastSequence.Should().Be(1);
    }

    [Fact]
    public async Task Source_state_is_a_json_document_guarded_the_same_way()
    {
        (await _state.ReadSourceAsync(None)).Should().BeNull();
        var etag = await _state.WriteSourceAsync("{\"slot\":\"ingest_orders\",\"position\":\"0/1\"}", null, None);
        var read = await _state.ReadSourceAsync(None);
        read!.Value.Should().Be("{\"slot\":\"ingest_orders\",\"position\":\"0/1\"}");
        read.ETag.Should().Be(etag);

        await _state.WriteSourceAsync("{\"position\":\"0/2\"}", etag, None);
        var stale = () => _state.WriteSourceAsync("{\"position\":\"0/3\"}", etag, None);
        await stale.Should().ThrowAsync<StagingConflictException>();
        var notJson = () => _state.WriteSourceAsync("not json", null, None);
        await notJson.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public async Task Damaged_state_is_reported_with_its_path()
    {
        await _store.WriteAsync(GatewayStateStore.TablePath(Table), "{\"table\":"u8.ToArray(), WriteCondition.None, None);
        var act = () => _state.ReadTableAsync(Table, None);
        (await act.Should().ThrowAsync<InvalidDataException>()).Which.Message.Should().Contain("state/tables/public.order%20lines.json");
    }
}
