using Cdc.Core.Model;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;

namespace Cdc.Core.Tests.Staging;

public sealed class StagingAreaTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TableSchema Orders = new(new TableId("public", "Orders.2024"), [
        new ColumnSchema("id", LogicalType.Int64, Nullable: false),
        new ColumnSchema("note", LogicalType.String),
    ], ["id"]);

    private readonly TempFolder _folder = new();
    private readonly LocalFolderStore _store;
    private readonly CapturingLogger _log = new();

    public StagingAreaTests() => _store = new LocalFolderStore(_folder.Path);

    public void Dispose() => _folder.Dispose();

    private StagingArea Area(int partMaxRows = 1_000_000, long partMaxBytes = 32L << 20) =>
        new(_store, _log, new StagingAreaSettings { PartMaxRows = partMaxRows, PartMaxUncompressedBytes = partMaxBytes });

    private static List<ChangeRow> OrderRows(int count, string note = "note", int start = 1) =>
        Enumerable.Range(start, count).Select(i => new ChangeRow(ChangeKind.Insert, [(long)i, $"{note} {i}"], new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero))).ToList();

    private static async Task<CommitRecord> StageAsync(IStagingArea area, TableSchema schema, long sequence, IEnumerable<ChangeRow> rows, BatchKind kind = BatchKind.Changes)
    {
        await using var writer = area.StartBatch(schema, sequence, kind, 1);
        foreach (var row in rows) await writer.WriteAsync(row, None);
        return await writer.CommitAsync(new BatchCommitInfo($"from-{sequence}", $"to-{sequence}"), None);
    }

    private static async Task<List<ChangeRow>> ReadAllAsync(IStagingArea area, CommitRecord commit)
    {
        var rows = new List<ChangeRow>();
        await foreach (var row in area.ReadRowsAsync(commit, None)) rows.Add(row);
        return rows;
    }

    [Fact]
    public async Task Every_logical_type_round_trips_exactly_through_a_batch()
    {
        var area = Area();
        var rows = EdgeValues.Rows();

        var commit = await StageAsync(area, EdgeValues.Schema, 1, rows);
        var read = await ReadAllAsync(area, commit);

        StagedAssert.SameRows(rows, read);
        commit.RowCount.Should().Be(rows.Count);
        var part = commit.Files.Should().ContainSingle().Subject;
        part.Path.Should().Be("tables/sales.every%20type/batches/000000000001/part-00000.bin");
        var bytes = File.ReadAllBytes(Path.Combine(_folder.Path, part.Path));
        part.Bytes.Should().Be(bytes.Length);
        part.Sha256.Should().Be(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), "the recorded checksum is the plain SHA-256 of the file");
    }

    [Fact]
    public async Task The_commit_record_is_json_that_reads_back_equal_and_lists_in_order()
    {
        var area = Area();
        var written = await StageAsync(area, EdgeValues.Schema, 1, EdgeValues.Rows(), BatchKind.SnapshotChunk);

        var listed = await area.ListCommitsAsync(EdgeValues.Table, 0, None);
        var commit = listed.Should().ContainSingle().Subject;
        commit.Schema.Should().Be(EdgeValues.Schema);
        commit.Schema.Columns.Should().Equal(EdgeValues.Schema.Columns);
        commit.Schema.KeyColumns.Should().Equal("id");
        commit.Files.Should().Equal(written.Files);
        (commit with { Files = written.Files, Schema = written.Schema }).Should().Be(written);

        var json = File.ReadAllText(Path.Combine(_folder.Path, "tables", "sales.every%20type", "commits", "000000000001.json"));
        json.Should().Contain("\"kind\": \"SnapshotChunk\"").And.Contain("\"type\": \"TimestampTz\"").And.Contain("\"schema\": \"sales\"");
    }

    [Fact]
    public async Task Parts_roll_over_by_rows_and_by_bytes()
    {
        var byRows = await StageAsync(Area(partMaxRows: 10), Orders, 1, OrderRows(35));
        byRows.Files.Select(f => f.Rows).Should().Equal(10, 10, 10, 5);
        byRows.Files.Select(f => f.Path).Should().Equal(Enumerable.Range(0, 4).Select(p => $"tables/public.Orders%2E2024/batches/000000000001/part-{p:D5}.bin"));

        var byBytes = await StageAsync(Area(partMaxBytes: 4096), Orders, 2, OrderRows(2000, new string('x', 50)));
        byBytes.Files.Should().HaveCountGreaterThan(20);
        byBytes.Files.Sum(f => f.Rows).Should().Be(2000);
        byBytes.Files.Should().OnlyContain(f => f.Rows <= 4096 / 50);

        var read = await ReadAllAsync(Area(), byBytes);
        StagedAssert.SameRows(OrderRows(2000, new string('x', 50)), read);
        (await ReadAllAsync(Area(), byRows)).Select(r => (long)r.Values[0]!).Should().Equal(Enumerable.Range(1, 35).Select(i => (long)i));
    }

    [Fact]
    public async Task An_empty_batch_commits_with_no_files()
    {
        var commit = await StageAsync(Area(), Orders, 1, []);
        commit.Files.Should().BeEmpty();
        commit.RowCount.Should().Be(0);
        (await ReadAllAsync(Area(), commit)).Should().BeEmpty();
        (await Area().LastCommitAsync(Orders.Table, None))!.Sequence.Should().Be(1);
    }

    [Fact]
    public async Task Commits_list_after_a_sequence_and_a_missing_one_is_a_gap()
    {
        var area = Area();
        for (var sequence = 1; sequence <= 4; sequence++) await StageAsync(area, Orders, sequence, OrderRows(3, start: sequence * 10));

        (await area.ListCommitsAsync(Orders.Table, 0, None)).Select(c => c.Sequence).Should().Equal(1, 2, 3, 4);
        (await area.ListCommitsAsync(Orders.Table, 2, None)).Select(c => c.Sequence).Should().Equal(3, 4);
        (await area.ListCommitsAsync(Orders.Table, 4, None)).Should().BeEmpty();
        (await area.LastCommitAsync(Orders.Table, None))!.Sequence.Should().Be(4);
        (await area.LastCommitAsync(new TableId("public", "none"), None)).Should().BeNull();

        await _store.DeleteAsync("tables/public.Orders%2E2024/commits/000000000003.json", null, None);
        var gap = () => area.ListCommitsAsync(Orders.Table, 0, None);
        (await gap.Should().ThrowAsync<StagingGapException>()).Which.MissingSequence.Should().Be(3);
        (await area.ListCommitsAsync(Orders.Table, 3, None)).Select(c => c.Sequence).Should().Equal(4);

        await _store.DeleteAsync("tables/public.Orders%2E2024/commits/000000000001.json", null, None);
        var first = () => area.ListCommitsAsync(Orders.Table, 0, None);
        (await first.Should().ThrowAsync<StagingGapException>()).Which.MissingSequence.Should().Be(1);
    }

    [Fact]
    public async Task Tables_with_commits_are_listed()
    {
        var area = Area();
        await StageAsync(area, Orders, 1, OrderRows(1));
        await StageAsync(area, EdgeValues.Schema, 1, EdgeValues.Rows());
        await using (var abandoned = area.StartBatch(new TableSchema(new TableId("public", "uncommitted"), Orders.Columns, ["id"]), 1, BatchKind.Changes, 1))
            await abandoned.WriteAsync(OrderRows(1)[0], None);

        (await area.ListTablesAsync(None)).Should().Equal(Orders.Table, EdgeValues.Table);
    }

    [Fact]
    public async Task Two_writers_of_one_sequence_have_exactly_one_winner()
    {
        var area = Area();
        var rows = OrderRows(50);
        var first = area.StartBatch(Orders, 1, BatchKind.Changes, 1);
        var second = Area().StartBatch(Orders, 1, BatchKind.Changes, 1);
        foreach (var row in rows)
        {
            await first.WriteAsync(row, None);
            await second.WriteAsync(row, None);
        }

        var outcomes = await Task.WhenAll(new[] { first, second }.Select(writer => Task.Run(async () =>
        {
            try
            {
                return await writer.CommitAsync(new BatchCommitInfo(null, "1"), None);
            }
            catch (StagingConflictException)
            {
                return null;
            }
            finally
            {
                await writer.DisposeAsync();
            }
        })));

        outcomes.Where(c => c is not null).Should().ContainSingle();
        (await area.ListCommitsAsync(Orders.Table, 0, None)).Should().ContainSingle().Which.CommittedAt.Should().Be(outcomes.Single(c => c is not null)!.CommittedAt);
    }

    [Fact]
    public async Task A_committed_sequence_cannot_be_restaged()
    {
        var area = Area();
        var commit = await StageAsync(area, Orders, 1, OrderRows(5));

        await using var late = area.StartBatch(Orders, 1, BatchKind.Changes, 1);
        var write = async () => await late.WriteAsync(OrderRows(1, "other")[0], None);
        (await write.Should().ThrowAsync<StagingConflictException>()).Which.Message.Should().Contain("Batch 1 of public.Orders.2024 is already committed");

        await using var empty = area.StartBatch(Orders, 1, BatchKind.Changes, 1);
        var commitEmpty = () => empty.CommitAsync(new BatchCommitInfo(null, null), None);
        await commitEmpty.Should().ThrowAsync<StagingConflictException>();

        StagedAssert.SameRows(OrderRows(5), await ReadAllAsync(area, commit));
    }

    [Fact]
    public async Task A_retry_overwrites_the_parts_an_abandoned_attempt_left()
    {
        var area = Area(partMaxRows: 4);
        // What a crashed attempt leaves: part files that no commit record refers to.
        foreach (var part in new[] { 0, 1, 5 })
            await _store.WriteAsync(StagingLayout.PartPath(Orders.Table, 1, part), "leftover"u8.ToArray(), WriteCondition.None, None);
        await using (var abandoned = area.StartBatch(Orders, 1, BatchKind.Changes, 1))
            foreach (var row in OrderRows(10, "lost")) await abandoned.WriteAsync(row, None);
        (await area.ListCommitsAsync(Orders.Table, 0, None)).Should().BeEmpty("nothing was committed");

        var commit = await StageAsync(area, Orders, 1, OrderRows(6, "kept"));

        commit.Files.Select(f => f.Path).Should().Equal(StagingLayout.PartPath(Orders.Table, 1, 0), StagingLayout.PartPath(Orders.Table, 1, 1));
        StagedAssert.SameRows(OrderRows(6, "kept"), await ReadAllAsync(area, commit));
    }

    [Fact]
    public async Task Rows_of_the_wrong_type_are_rejected_with_the_column_named()
    {
        await using var writer = Area().StartBatch(Orders, 1, BatchKind.Changes, 1);
        await writer.WriteAsync(OrderRows(1)[0], None);
        var act = async () => await writer.WriteAsync(new ChangeRow(ChangeKind.Insert, [2, "int instead of long"], DateTimeOffset.UnixEpoch), None);
        await act.Should().NotThrowAsync("an int widens to a bigint without loss");
        var wrong = async () => await writer.WriteAsync(new ChangeRow(ChangeKind.Insert, [3L, 42], DateTimeOffset.UnixEpoch), None);
        (await wrong.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("column 'note'").And.Contain("String").And.Contain("Int32");
        var narrow = async () => await writer.WriteAsync(new ChangeRow(ChangeKind.Insert, [4L], DateTimeOffset.UnixEpoch), None);
        (await narrow.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("1 values but the table has 2 columns");

        var commit = await writer.CommitAsync(new BatchCommitInfo(null, null), None);
        commit.RowCount.Should().Be(2, "rejected rows leave no trace");
        (await ReadAllAsync(Area(), commit)).Select(r => r.Values[0]).Should().Equal(1L, 2L);
    }

    [Fact]
    public async Task A_flipped_byte_is_detected_quarantined_and_nothing_of_that_file_is_read()
    {
        var area = Area(partMaxRows: 20);
        var commit = await StageAsync(area, Orders, 7, OrderRows(50));
        var bad = commit.Files[1];
        var file = Path.Combine(_folder.Path, bad.Path);
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(file, bytes);

        var (read, error) = await ReadUntilErrorAsync(area, commit);

        read.Should().Be(20, "the first part is intact and is read; nothing of the damaged second part is");
        error.Path.Should().Be(bad.Path);
        error.Reason.Should().Contain("SHA-256");
        error.QuarantinedAt.Should().Be("quarantine/public.Orders%2E2024/000000000007/part-00001.bin");
        (await _store.ReadAsync(error.QuarantinedAt, None))!.Content.ToArray().Should().Equal(bytes);
        var note = System.Text.Encoding.UTF8.GetString((await _store.ReadAsync(error.QuarantinedAt + ".note.json", None))!.Content.Span);
        note.Should().Contain("SHA-256").And.Contain(bad.Path).And.Contain("\"time\"");
        _log.Entries.Should().Contain(e => e.EventId.Id == 1110 && e.Message.Contains(bad.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_truncated_part_is_detected_and_quarantined_before_any_row_is_read()
    {
        var area = Area();
        var commit = await StageAsync(area, Orders, 1, OrderRows(50));
        var file = Path.Combine(_folder.Path, commit.Files[0].Path);
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..^40]);

        var (read, error) = await ReadUntilErrorAsync(area, commit);

        read.Should().Be(0);
        error.Reason.Should().Contain($"{bytes.Length - 40} bytes but its commit record says {bytes.Length}");
        (await _store.ReadAsync(error.QuarantinedAt, None))!.Content.Length.Should().Be(bytes.Length - 40);
        (await _store.ReadAsync(error.QuarantinedAt + ".note.json", None)).Should().NotBeNull();
    }

    [Fact]
    public async Task A_missing_part_is_reported_with_a_note()
    {
        var area = Area();
        var commit = await StageAsync(area, Orders, 1, OrderRows(5));
        File.Delete(Path.Combine(_folder.Path, commit.Files[0].Path));

        var (read, error) = await ReadUntilErrorAsync(area, commit);

        read.Should().Be(0);
        error.Reason.Should().Contain("missing");
        (await _store.ReadAsync(error.QuarantinedAt, None)).Should().BeNull("there was no file to copy");
        (await _store.ReadAsync(error.QuarantinedAt + ".note.json", None)).Should().NotBeNull();
    }

    [Fact]
    public async Task A_part_swapped_for_another_valid_part_is_caught_by_its_checksum()
    {
        var area = Area();
        var first = await StageAsync(area, Orders, 1, OrderRows(5));
        var second = await StageAsync(area, Orders, 2, OrderRows(5, "other"));
        File.Copy(Path.Combine(_folder.Path, second.Files[0].Path), Path.Combine(_folder.Path, first.Files[0].Path), overwrite: true);
        var tampered = first with { Files = [first.Files[0] with { Bytes = second.Files[0].Bytes, Sha256 = second.Files[0].Sha256 }] };

        var (read, error) = await ReadUntilErrorAsync(area, tampered);

        read.Should().Be(0);
        error.Reason.Should().Contain("batch 2, not 1");
    }

    private async Task<(int Read, CorruptStagedFileException Error)> ReadUntilErrorAsync(IStagingArea area, CommitRecord commit)
    {
        var read = 0;
        try
        {
            await foreach (var _ in area.ReadRowsAsync(commit, None)) read++;
        }
        catch (CorruptStagedFileException e)
        {
            return (read, e);
        }
        throw new Xunit.Sdk.XunitException($"Reading batch {commit.Sequence} should have failed, but {read} rows were read.");
    }
}
