using Cdc.Core.Model;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>
/// What the LSNs a read finds on its replica (<see cref="CdcStatements.PositionSql"/>) allow: where a snapshot starts,
/// whether a window is still held, and whether the replica has come as far as the read needs.
/// </summary>
internal static class CdcReadChecks
{
    /// <summary>
    /// Where a snapshot read now starts: the end of what CDC captured, but never below the last LSN before the
    /// instance's start (a change after the snapshot's data is in the instance anyway). Both only grow, so on one server
    /// a later read never finds less; a replica that finds less is behind. Null when CDC reports neither.
    /// </summary>
    public static SqlLsn? SnapshotPosition(SqlLsn? end, SqlLsn? instanceMin)
    {
        SqlLsn? fromEnd = end is { IsZero: false } e ? e : null;
        SqlLsn? fromStart = instanceMin is { IsZero: false } m ? m.Decrement() : null;
        return fromEnd is { } a && fromStart is { } b ? SqlLsn.Max(a, b) : fromEnd ?? fromStart;
    }

    /// <summary>
    /// Why <paramref name="window"/> can no longer be read whole, or null. <paramref name="instanceMin"/> is read in the
    /// window's own SNAPSHOT transaction: cleanup raises an instance's low end (in its own transaction) before deleting
    /// below it, so a low end at or below the window's start there means the transaction sees every row of the window,
    /// whatever cleanup does meanwhile.
    /// </summary>
    public static string? RetentionGap(TableId table, CdcWindow window, SqlLsn? instanceMin)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (instanceMin is not { IsZero: false } min)
            return $"Capture instance {window.Instance.Name} of {table} reports no change data any more (sys.fn_cdc_get_min_lsn returns 0): it was dropped, "
                + $"or the login may not read it, so changes from {window.From} on cannot be read. Nothing of them was handed over";
        return window.From < min
            ? $"Capture instance {window.Instance.Name} of {table} keeps changes only from {min} on, above {window.From} where this read starts: "
                + "CDC cleanup removed changes the table still needs. Nothing of them was handed over; the next run finds the same retention gap "
                + "and snapshots the table again (or fails it, per on_retention_gap)"
            : null;
    }

    /// <summary>Why the replica a window is read on has not captured up to the window's end (read earlier, maybe on
    /// another replica), or null.</summary>
    public static string? ReplicaBehind(TableId table, CdcWindow window, SqlLsn? end)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (end is { IsZero: false } reached && reached >= window.To) return null;
        return $"The replica reading changes of {table} is behind: CDC there has captured up to {(end is { IsZero: false } e ? e.ToString() : "nothing")}, "
            + $"below {window.To}, the end this capture reads to";
    }
}
