using System.Data.Common;
using Cdc.Core.Model;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>
/// Turns rows of <c>cdc.fn_cdc_get_all_changes_&lt;instance&gt;(..., N'all update old')</c>, in the order and layout
/// <see cref="CdcChangeQuery"/> reads them, into transactions handed to a sink. Rows sharing <c>__$start_lsn</c> (the
/// commit LSN) are one transaction, whose position is that LSN.
/// </summary>
internal sealed class CdcChangeMapper(CdcProjection projection, CdcChangeLayout layout, TimeSpan serverUtcOffset, DateTimeOffset fallbackCommitTime)
{
    private const int Delete = 1;
    private const int Insert = 2;
    private const int UpdateBefore = 3;
    private const int UpdateAfter = 4;

    private readonly TableSchema _schema = projection.Schema;

    public async Task<CdcReadResult> MapAsync(DbDataReader reader, IChangeSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sink);
        string? open = null;
        SqlLsn openLsn = default;
        DateTimeOffset commitTime = default;
        (SqlLsn Seqval, object?[] Values)? before = null;
        long transactions = 0, rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var lsn = SqlLsn.FromBytes(reader.GetFieldValue<byte[]>(CdcChangeQuery.StartLsnOrdinal));
            if (open is null || lsn != openLsn)
            {
                if (open is not null) await sink.CommitAsync(open, cancellationToken);
                openLsn = lsn;
                open = lsn.ToString();
                commitTime = CommitTime(reader);
                before = null;
                transactions++;
                await sink.BeginTransactionAsync(open, cancellationToken);
            }
            var seqval = SqlLsn.FromBytes(reader.GetFieldValue<byte[]>(CdcChangeQuery.SeqvalOrdinal));
            var operation = reader.GetInt32(CdcChangeQuery.OperationOrdinal);
            switch (operation)
            {
                case Delete:
                    await sink.ChangeAsync(_schema, new ChangeRow(ChangeKind.Delete, ReadValues(reader, imageOf: Delete), commitTime), cancellationToken);
                    rows++;
                    break;
                case Insert:
                    await sink.ChangeAsync(_schema, new ChangeRow(ChangeKind.Insert, ReadValues(reader, imageOf: Insert), commitTime), cancellationToken);
                    rows++;
                    break;
                case UpdateBefore:
                    // The target needs only full after-images; the before-image serves to notice a change of key.
                    before = (seqval, ReadValues(reader, imageOf: UpdateBefore));
                    break;
                case UpdateAfter:
                    var after = ReadValues(reader, imageOf: UpdateAfter);
                    if (before is { } old && old.Seqval == seqval && !SameKey(CompleteKey(old.Values, after), after))
                    {
                        await sink.ChangeAsync(_schema, new ChangeRow(ChangeKind.Delete, old.Values, commitTime), cancellationToken);
                        await sink.ChangeAsync(_schema, new ChangeRow(ChangeKind.Insert, AsInsert(after), commitTime), cancellationToken);
                        rows += 2;
                    }
                    else
                    {
                        await sink.ChangeAsync(_schema, new ChangeRow(ChangeKind.Update, after, commitTime), cancellationToken);
                        rows++;
                    }
                    before = null;
                    break;
                default:
                    throw new SourceException($"Capture instance {projection.Instance.Name} of {_schema.Table} returned __$operation {operation} at {lsn}; CDC defines 1 to 4.");
            }
        }
        if (open is not null) await sink.CommitAsync(open, cancellationToken);
        return new CdcReadResult(transactions, rows, open);
    }

    /// <summary>
    /// The row's values in schema order. A column the instance does not capture is unknown: NULL for an insert (the
    /// row had no such column when it was written), <see cref="Unchanged.Value"/> otherwise, so a target keeps what it
    /// has. CDC records NULL for text, ntext and image in deletes and before-images, and for other large values in
    /// before-images unless the update changed them; those are unknown too, not NULL.
    /// </summary>
    private object?[] ReadValues(DbDataReader reader, int imageOf)
    {
        var values = new object?[_schema.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var captured = projection.Sources[i];
            if (captured is null)
                values[i] = imageOf == Insert ? null : Unchanged.Value;
            else if ((imageOf == Delete && captured.IsLegacyLob) || (imageOf == UpdateBefore && captured.IsLob))
                values[i] = Unchanged.Value;
            else
                values[i] = SqlServerValues.Read(reader, layout.ColumnOrdinals[i], _schema.Columns[i]);
        }
        return values;
    }

    /// <summary>An after-image staged as an insert: columns the instance does not capture become NULL.</summary>
    private object?[] AsInsert(object?[] after)
    {
        var values = (object?[])after.Clone();
        for (var i = 0; i < values.Length; i++)
            if (projection.Sources[i] is null) values[i] = null;
        return values;
    }

    /// <summary>CDC leaves a (max) column out of the before-image only when the update did not change it, so a key
    /// column of that kind missing there holds the after-image's value.</summary>
    private object?[] CompleteKey(object?[] before, object?[] after)
    {
        foreach (var ordinal in _schema.KeyOrdinals)
            if (ReferenceEquals(before[ordinal], Unchanged.Value) && projection.Sources[ordinal] is { IsLob: true }) before[ordinal] = after[ordinal];
        return before;
    }

    private bool SameKey(object?[] before, object?[] after)
    {
        foreach (var ordinal in _schema.KeyOrdinals)
            if (!CdcKeyValues.Same(before[ordinal], after[ordinal])) return false;
        return true;
    }

    private DateTimeOffset CommitTime(DbDataReader reader)
    {
        if (reader.IsDBNull(layout.CommitTimeOrdinal)) return fallbackCommitTime;
        var local = DateTime.SpecifyKind(reader.GetDateTime(layout.CommitTimeOrdinal), DateTimeKind.Unspecified);
        return new DateTimeOffset(local, serverUtcOffset);
    }
}

/// <param name="LastPosition">The commit position of the last transaction handed over; null when there was none.</param>
internal sealed record CdcReadResult(long Transactions, long Rows, string? LastPosition);

/// <summary>Key equality as staging sees it: exact, byte for byte and character for character, since a target may
/// compare keys more strictly than the source's collation did ('a' and 'A' are two keys to a binary collation).</summary>
internal static class CdcKeyValues
{
    public static bool Same(object? left, object? right) => (left, right) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (byte[] l, byte[] r) => l.AsSpan().SequenceEqual(r),
        (string l, string r) => string.Equals(l, r, StringComparison.Ordinal),
        (DateTimeOffset l, DateTimeOffset r) => l.EqualsExact(r),
        _ => left.Equals(right),
    };
}
