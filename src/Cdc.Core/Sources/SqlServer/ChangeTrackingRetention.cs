using Cdc.Core.Model;
using Cdc.Core.SqlServer;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// Whether change tracking still holds every change of a table after its saved position. A position below the table's
/// minimum valid version means changes may be gone: cleaned up after CHANGE_RETENTION, or reset by a TRUNCATE TABLE
/// or by change tracking being turned off and on again. That is a gap, never something to skip over.
/// </summary>
internal static class ChangeTrackingRetention
{
    /// <summary>The reason the table's changes after <paramref name="after"/> are gone, or null when they are all there.</summary>
    /// <exception cref="SourceException">The table is not tracked at all (<paramref name="minValidVersion"/> NULL).</exception>
    public static string? GapReason(TableId table, string after, long? minValidVersion, string database)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (!SqlServerPositions.IsChangeTracking(after))
            return $"the saved position of {table} ({after}) is not a change tracking position: the table was captured with CDC before and is captured with change tracking now, so its changes must be read again from a new snapshot";
        if (minValidVersion is null) throw NotTracked(table, database);
        var version = SqlServerPositions.ToVersion(after);
        return version < minValidVersion
            ? $"the saved position of {table} is change tracking version {version}, older than the oldest version SQL Server still holds changes for, {minValidVersion} (CHANGE_TRACKING_MIN_VALID_VERSION): " +
              "its changes were cleaned up after the database's CHANGE_RETENTION, or the table was truncated or had change tracking turned off and on again"
            : null;
    }

    /// <summary>Capture re-checks inside its snapshot transaction and fails rather than read past a gap.</summary>
    public static void EnsureReadable(TableId table, long after, long? minValidVersion, string database)
    {
        if (minValidVersion is null) throw NotTracked(table, database);
        if (after < minValidVersion)
            throw new SourceException(
                $"Changes of {table} after change tracking version {after} are no longer available (the oldest version it holds changes for is {minValidVersion}); " +
                "capture stops rather than skip them. The next run snapshots the table again (or fails it, per on_retention_gap).");
    }

    private static SourceException NotTracked(TableId table, string database) => new(
        $"Change tracking information for {table} is not available (CHANGE_TRACKING_MIN_VALID_VERSION is NULL): change tracking is off for the table or the database, " +
        $"or the login lacks VIEW CHANGE TRACKING on the table. Enable it with {SqlServerEnableStatements.ChangeTrackingTable(table)} " +
        $"(preceded by {SqlServerEnableStatements.ChangeTrackingDatabase(database)} if the database has it off), or grant VIEW CHANGE TRACKING ON {SqlName.Qualified(table)} to the login.");
}
