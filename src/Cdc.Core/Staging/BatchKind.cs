namespace Cdc.Core.Staging;

public enum BatchKind
{
    /// <summary>One key-range chunk of a table snapshot. Rows are inserts.</summary>
    SnapshotChunk,

    /// <summary>Changes captured from the source's log, in commit order.</summary>
    Changes,
}
