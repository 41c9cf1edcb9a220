using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.Sources;

namespace Cdc.Core.Tests.Runs;

/// <summary>
/// An in-memory source: rows by key, and a log of committed transactions with integer positions. Acknowledge moves
/// the released position; capture reads the log after it, like a replication slot.
/// </summary>
public sealed class FakeSource(TableSchema table) : ISourceConnector
{
    private readonly SortedDictionary<int, object?[]> _rows = [];
    private readonly List<(int Position, List<ChangeRow> Rows)> _log = [];
    private int _position;

    public TableSchema Table { get; set; } = table;
    public int Acknowledged { get; private set; }
    public List<int> Acknowledgements { get; } = [];
    public int SnapshotsBegun { get; private set; }
    public int ChunkReads { get; private set; }

    /// <summary>The next capture stops inside its last transaction, after its rows and before its commit.</summary>
    public bool CutOffLastTransaction { get; set; }

    /// <summary>Fails the N-th snapshot chunk read (1-based) once, then reads normally.</summary>
    public int FailChunkRead { get; set; }

    public static TableSchema Schema(string name = "items") => new(
        new TableId("public", name),
        [new ColumnSchema("id", LogicalType.Int32, Nullable: false), new ColumnSchema("value", LogicalType.String)],
        ["id"]);

    public void Upsert(int id, string? value)
    {
        var kind = _rows.ContainsKey(id) ? ChangeKind.Update : ChangeKind.Insert;
        _rows[id] = [id, value];
        Commit(new ChangeRow(kind, [id, value], CommitTimeOfNext()));
    }

    public void Delete(int id)
    {
        _rows.Remove(id);
        Commit(new ChangeRow(ChangeKind.Delete, [id, Unchanged.Value], CommitTimeOfNext()));
    }

    /// <summary>Puts rows in place without logging them (data that predates capture).</summary>
    public void Seed(int count)
    {
        for (var i = 1; i <= count; i++) _rows[i] = [i, $"seed {i}"];
    }

    private void Commit(ChangeRow row) => _log.Add((++_position, [row]));

    /// <summary>The commit time of the transaction about to be logged: one second a transaction on the source's clock.</summary>
    private DateTimeOffset CommitTimeOfNext() => DateTimeOffset.UnixEpoch.AddSeconds(_position + 1);

    /// <summary>Moves the source's position on without changing this table, as other tables' transactions do.</summary>
    public void AdvanceHead(int transactions) => _position += transactions;

    public Task<IReadOnlyList<TableSchema>> DiscoverAsync(IReadOnlyList<TableSelection> selection, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TableSchema>>([Table]);

    /// <summary>Whether the next Prepare reports that capture started over (a lost slot).</summary>
    public bool CaptureRestarts { get; set; }

    /// <summary>Makes Prepare fail, as an unreachable source would.</summary>
    public bool FailPrepare { get; set; }

    public bool ReleasesChanges { get; set; } = true;

    /// <summary>Tables whose next Prepare reports a retention gap (a position older than the source keeps).</summary>
    public HashSet<TableId> ExpiredPositions { get; } = [];

    public Task<IReadOnlyDictionary<TableId, string>> PrepareAsync(IReadOnlyList<CaptureTable> tables, CancellationToken cancellationToken)
    {
        if (FailPrepare) throw new InvalidOperationException("source unreachable");
        var restarted = CaptureRestarts;
        CaptureRestarts = false;
        var gaps = tables.Where(t => t.After is not null && (restarted || ExpiredPositions.Contains(t.Schema.Table)))
            .ToDictionary(t => t.Schema.Table, t => restarted ? "capture started over" : $"position {t.After} is older than the source keeps");
        ExpiredPositions.Clear();
        return Task.FromResult<IReadOnlyDictionary<TableId, string>>(gaps);
    }

    public Task<long?> EstimateRowCountAsync(TableSchema table, CancellationToken cancellationToken) => Task.FromResult<long?>(_rows.Count);

    /// <summary>The source's clock: one second a transaction, the clock its changes' commit times are on.</summary>
    public Task<DateTimeOffset> CurrentTimeAsync(CancellationToken cancellationToken) => Task.FromResult(DateTimeOffset.UnixEpoch.AddSeconds(_position));

    /// <summary>What each BeginSnapshot was handed as the start to resume from (null for a new snapshot).</summary>
    public List<string?> SnapshotResumedFrom { get; } = [];

    public Task<string> BeginSnapshotAsync(TableSchema table, string? resumeFrom, CancellationToken cancellationToken)
    {
        SnapshotsBegun++;
        SnapshotResumedFrom.Add(resumeFrom);
        return Task.FromResult((ReleasesChanges ? Acknowledged : _position).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public async IAsyncEnumerable<object?[]> ReadSnapshotChunkAsync(TableSchema table, object?[]? afterKey, int maxRows, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (++ChunkReads == FailChunkRead) throw new InvalidOperationException("chunk read failed");
        var after = afterKey is null ? int.MinValue : (int)afterKey[0]!;
        foreach (var row in _rows.Where(r => r.Key > after).Take(maxRows).Select(r => r.Value).ToList())
        {
            await Task.Yield();
            yield return (object?[])row.Clone();
        }
    }

    public Task EndSnapshotAsync(TableSchema table, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The resume position each capture was handed for the table, in order.</summary>
    public List<string?> CapturedFrom { get; } = [];

    public async Task<string?> CaptureChangesAsync(IReadOnlyList<CaptureTable> tables, IChangeSink sink, CancellationToken cancellationToken)
    {
        var mine = tables.Where(t => t.Schema.Table == Table.Table).ToList();
        CapturedFrom.AddRange(mine.Select(t => t.After));
        // A slot-like source reads from what was acknowledged; a per-table source from the table's own position.
        var from = ReleasesChanges || mine is not [{ After: { } after }] ? Acknowledged : int.Parse(after, System.Globalization.CultureInfo.InvariantCulture);
        var reached = from;
        var unread = _log.Where(t => t.Position > from).ToList();
        foreach (var (position, rows) in unread)
        {
            var text = position.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await sink.BeginTransactionAsync(text, cancellationToken);
            foreach (var row in rows) await sink.ChangeAsync(Table, row, cancellationToken);
            if (CutOffLastTransaction && position == unread[^1].Position)
            {
                CutOffLastTransaction = false;
                break;
            }
            await sink.CommitAsync(text, cancellationToken);
            reached = position;
        }
        if (!ReleasesChanges && mine.Count > 0 && reached == (unread.Count == 0 ? from : unread[^1].Position))
        {
            reached = Math.Max(reached, _position);
            await sink.AdvanceAsync(Table.Table, reached.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        }
        return reached.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task AcknowledgeAsync(string position, CancellationToken cancellationToken)
    {
        var value = int.Parse(position, System.Globalization.CultureInfo.InvariantCulture);
        Acknowledgements.Add(value);
        Acknowledged = Math.Max(Acknowledged, value);
        return Task.CompletedTask;
    }

    public Task<string?> GetResumePositionAsync(CancellationToken cancellationToken) =>
        Task.FromResult<string?>(Acknowledged.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public int ComparePositions(string left, string right) =>
        int.Parse(left, System.Globalization.CultureInfo.InvariantCulture).CompareTo(int.Parse(right, System.Globalization.CultureInfo.InvariantCulture));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
