namespace Cdc.Core.Model;

public enum ChangeKind : byte
{
    Insert = 1,
    Update = 2,
    Delete = 3,
}

/// <summary>
/// One row of a staged batch: a snapshot row (always <see cref="ChangeKind.Insert"/>) or a captured change.
/// <see cref="Values"/> is aligned with the batch's <see cref="TableSchema.Columns"/>; a SQL NULL is <c>null</c>,
/// and a value the source did not send (PostgreSQL's unchanged TOAST values) is <see cref="Unchanged.Value"/>,
/// which a target resolves by keeping what it already has. A delete carries at least its key values; its other
/// values may be <see cref="Unchanged.Value"/>. A change of key is staged as a delete of the old key followed by an
/// insert of the new row.
/// </summary>
/// <param name="CommitTime">When the source committed the change; for snapshot rows, when the snapshot read them. Both on
/// the source's clock (<see cref="Sources.ISourceConnector.CurrentTimeAsync"/>), so they compare whatever the gateway's
/// clock says.</param>
public readonly record struct ChangeRow(ChangeKind Kind, object?[] Values, DateTimeOffset CommitTime);

/// <summary>Marker for a column value the source did not send with a change.</summary>
public sealed class Unchanged
{
    public static readonly Unchanged Value = new();

    private Unchanged()
    {
    }

    public override string ToString() => "(unchanged)";
}
