using Cdc.Core.Model;
using Cdc.Core.Postgres;

namespace Cdc.Core.Targets.Postgres;

/// <summary>One net change to stage: an upsert or a delete of one key at one commit time.</summary>
/// <param name="Values">Aligned with the batch schema; may hold <see cref="Unchanged.Value"/> the batch could not resolve.</param>
internal readonly record struct NetChange(bool IsDelete, object?[] Values, DateTimeOffset At);

/// <summary>A batch reduced to what the target needs, in stage order.</summary>
/// <param name="Flagged">Per column: whether some staged upsert still holds <see cref="Unchanged.Value"/> there, to be
/// resolved from the target row.</param>
internal sealed record ReducedBatch(IReadOnlyList<NetChange> Changes, long RowsRead, IReadOnlyList<bool> Flagged);

/// <summary>
/// Reduces a change batch in memory before it is staged. SCD 1 keeps the last operation per key; SCD 2 keeps one
/// change per key and distinct commit time (the last operation of a commit time wins). A value the source did not
/// send is taken from the key's previous change in the batch when there is one (an earlier delete has no values to
/// give); otherwise it stays <see cref="Unchanged.Value"/> for the target to resolve.
/// </summary>
internal static class ChangeBatchReducer
{
    public static async Task<ReducedBatch> ReduceAsync(TargetTableLayout layout, IAsyncEnumerable<ChangeRow> rows, CancellationToken cancellationToken)
    {
        var schema = layout.Schema;
        var keepVersions = layout.IsScd2;
        var changes = new List<NetChange>();
        var lastByKey = new Dictionary<object?[], int>(new RowKeyComparer(schema.KeyOrdinals));
        long read = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            read++;
            if (schema.KeyOrdinals.Count == 0)
                throw new InvalidOperationException($"{layout.Flow}: {schema.Table} has no key columns, so its changes cannot be matched to target rows; declare keys for it in the pipeline.");
            Validate(layout, row, read);
            if (!lastByKey.TryGetValue(row.Values, out var index))
            {
                lastByKey.Add(row.Values, changes.Count);
                changes.Add(new NetChange(row.Kind == ChangeKind.Delete, row.Values, row.CommitTime));
                continue;
            }

            var previous = changes[index];
            var merged = new NetChange(row.Kind == ChangeKind.Delete, MergeUnchanged(row.Values, previous), row.CommitTime);
            if (!keepVersions || row.CommitTime <= previous.At)
            {
                // Same key (SCD 1) or same commit time (SCD 2): the later operation replaces the earlier one.
                changes[index] = merged with { At = Max(previous.At, row.CommitTime) };
            }
            else
            {
                lastByKey[row.Values] = changes.Count;
                changes.Add(merged);
            }
        }

        var flagged = new bool[schema.Columns.Count];
        foreach (var change in changes)
        {
            if (change.IsDelete) continue;
            for (var i = 0; i < flagged.Length; i++)
                if (ReferenceEquals(change.Values[i], Unchanged.Value)) flagged[i] = true;
        }
        return new ReducedBatch(changes, read, flagged);
    }

    private static object?[] MergeUnchanged(object?[] values, NetChange previous)
    {
        if (previous.IsDelete || Array.IndexOf(values, Unchanged.Value) < 0) return values;
        var merged = (object?[])values.Clone();
        for (var i = 0; i < merged.Length; i++)
            if (ReferenceEquals(merged[i], Unchanged.Value)) merged[i] = previous.Values[i];
        return merged;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    private static void Validate(TargetTableLayout layout, ChangeRow row, long number)
    {
        var schema = layout.Schema;
        if (row.Values is null || row.Values.Length != schema.Columns.Count)
            throw new InvalidDataException($"{layout.Flow}: row {number} of the batch has {row.Values?.Length ?? 0} values, but {schema.Table} has {schema.Columns.Count} columns.");
        if (row.Kind is not (ChangeKind.Insert or ChangeKind.Update or ChangeKind.Delete))
            throw new InvalidDataException($"{layout.Flow}: row {number} of the batch has an unknown change kind {(int)row.Kind}.");
        foreach (var i in schema.KeyOrdinals)
        {
            if (row.Values[i] is null || ReferenceEquals(row.Values[i], Unchanged.Value))
                throw new TargetValueException(PgIdentifier.Qualified(layout.Flow.TargetSchema, layout.Flow.TargetTable), schema.Columns[i].Name, RowDescriber.Key(schema, row.Values),
                    $"row {number} of the batch has no value for this key column");
        }
    }
}
