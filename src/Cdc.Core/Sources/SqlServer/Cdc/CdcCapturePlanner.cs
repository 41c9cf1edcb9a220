using Cdc.Core.Model;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>
/// The decisions of CDC capture as pure functions of a table's capture instances, the first LSN it still needs and the
/// current end. A table has at most two instances. While both are started, the older one serves changes below the
/// newer one's start LSN S and the newer one serves S and after; both instances record every change from S on, so the
/// switch loses and repeats nothing. Cleanup raises every instance's low end to the same watermark, which keeps that
/// split right even after S itself moved up.
/// </summary>
internal static class CdcCapturePlanner
{
    /// <summary>The windows to read for changes in [<paramref name="from"/>, <paramref name="to"/>], or the retention gap
    /// that makes reading them impossible. <paramref name="from"/> is <c>sys.fn_cdc_increment_lsn</c> of the table's
    /// position: every change at or below the position is covered already.</summary>
    /// <param name="instances">Oldest first.</param>
    public static (IReadOnlyList<CdcWindow> Windows, CdcRetentionGap? Gap) Windows(IReadOnlyList<CdcInstanceState> instances, SqlLsn from, SqlLsn to)
    {
        ArgumentNullException.ThrowIfNull(instances);
        var gap = RetentionGap(instances, from);
        if (gap is not null) return ([], gap);
        var ready = instances.Where(i => i.IsReady).ToList();
        if (ready.Count == 0 || from > to) return ([], null);
        var newest = ready[^1];
        if (ready.Count == 1) return ([new CdcWindow(newest.Instance, from, to)], null);

        var older = ready[^2];
        var switchAt = newest.Min!.Value;
        var windows = new List<CdcWindow>(2);
        if (from < switchAt) windows.Add(new CdcWindow(older.Instance, from, SqlLsn.Min(to, switchAt.Decrement())));
        var newFrom = SqlLsn.Max(from, switchAt);
        if (newFrom <= to) windows.Add(new CdcWindow(newest.Instance, newFrom, to));
        return (windows, null);
    }

    /// <summary>
    /// A gap when the instance that must serve <paramref name="from"/> no longer holds it: the first LSN still needed
    /// is <paramref name="from"/> itself, so it is lost only when it lies strictly below the instance's minimum (a change
    /// at the minimum is still there). No started instance means nothing is recorded yet, so nothing can be lost either.
    /// </summary>
    public static CdcRetentionGap? RetentionGap(IReadOnlyList<CdcInstanceState> instances, SqlLsn from)
    {
        ArgumentNullException.ThrowIfNull(instances);
        var ready = instances.Where(i => i.IsReady).ToList();
        if (ready.Count == 0) return null;
        var serving = ready.Count >= 2 && from < ready[^1].Min!.Value ? ready[^2] : ready[^1];
        var min = serving.Min!.Value;
        return from < min ? new CdcRetentionGap(serving.Instance, from, min) : null;
    }

    /// <summary>
    /// Keeps a table's newest capture instance in step with its columns. The older of two instances is dropped once the
    /// table needs nothing below the newer one's start. A new instance is created when the table's value columns
    /// (computed columns carry nothing in CDC) differ from the newest instance's, and fewer than two exist; it
    /// captures every column, so it matches the table until the next change of columns.
    /// </summary>
    /// <param name="currentColumns">The table's columns now that are not computed.</param>
    /// <param name="takenNames">Every capture instance name of the database, for a new name that is free.</param>
    public static IReadOnlyList<CdcInstanceAction> Actions(
        TableId table, IReadOnlyList<CdcInstanceState> instances, SqlLsn from, IReadOnlyCollection<string> currentColumns, IReadOnlyCollection<string> takenNames)
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(currentColumns);
        if (instances.Count == 0) return [];
        var actions = new List<CdcInstanceAction>();
        var remaining = instances.ToList();
        if (instances.Count >= 2 && instances[^1].IsReady && from >= instances[^1].Min!.Value)
        {
            actions.Add(new DropCaptureInstance(instances[0].Instance, instances[^1].Min!.Value));
            remaining.RemoveAt(0);
        }

        var newest = remaining[^1].Instance;
        if (currentColumns.Count == 0 || SameColumns(newest, currentColumns)) return actions;
        if (remaining.Count >= 2)
        {
            actions.Add(new CaptureInstanceCreationWaits(newest,
                $"the columns of {table} changed again while it has two capture instances; a new one is created once it has read past "
                + $"{remaining[^1].Min?.ToString() ?? "the start of " + newest.Name} and {remaining[0].Instance.Name} is dropped"));
            return actions;
        }
        actions.Add(new CreateCaptureInstance(newest, CdcInstanceNames.Next(table, newest.Name, takenNames)));
        return actions;
    }

    public static CdcCapturePlan Plan(
        TableId table, IReadOnlyList<CdcInstanceState> instances, SqlLsn from, SqlLsn to, bool manageInstances,
        IReadOnlyCollection<string> currentColumns, IReadOnlyCollection<string> takenNames)
    {
        var (windows, gap) = Windows(instances, from, to);
        var actions = manageInstances && gap is null ? Actions(table, instances, from, currentColumns, takenNames) : [];
        return new CdcCapturePlan(windows, gap, actions);
    }

    private static bool SameColumns(CdcCaptureInstance instance, IReadOnlyCollection<string> currentColumns)
    {
        var captured = instance.ValueColumns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return captured.SetEquals(currentColumns);
    }
}
