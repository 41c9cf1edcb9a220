using System.Globalization;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// Positions of the SQL Server source. Change tracking: <c>ct:</c> and the version as 20 zero-padded decimal digits
/// (<c>ct:00000000000000001234</c>). CDC: <c>lsn:</c> and the 10-byte log sequence number as 20 uppercase hex digits
/// (<c>lsn:0000002A000001F40003</c>). Each kind orders among itself; a change tracking position sorts before any LSN,
/// which only matters for a table that moved from one capture mode to the other (its saved position is then refused
/// as a retention gap).
/// </summary>
public static class SqlServerPositions
{
    public const string ChangeTrackingPrefix = "ct:";
    public const string LsnPrefix = Cdc.SqlLsn.Prefix;

    public static string FromVersion(long version)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        return ChangeTrackingPrefix + version.ToString("D20", CultureInfo.InvariantCulture);
    }

    public static bool IsChangeTracking(string position) =>
        position is not null && position.StartsWith(ChangeTrackingPrefix, StringComparison.Ordinal);

    public static bool IsLsn(string position) =>
        position is not null && position.StartsWith(LsnPrefix, StringComparison.Ordinal);

    /// <summary>The change tracking version of a <c>ct:</c> position.</summary>
    public static long ToVersion(string position)
    {
        ArgumentNullException.ThrowIfNull(position);
        if (!IsChangeTracking(position)
            || !long.TryParse(position.AsSpan(ChangeTrackingPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            throw new FormatException($"'{position}' is not a SQL Server change tracking position (expected ct: and a version, e.g. ct:00000000000000001234).");
        return version;
    }

    /// <summary>Orders two positions: versions among themselves, LSNs among themselves, and any change tracking
    /// position before any LSN.</summary>
    public static int Compare(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var leftKind = KindOf(left);
        var rightKind = KindOf(right);
        if (leftKind != rightKind) return leftKind.CompareTo(rightKind);
        return leftKind == 0 ? ToVersion(left).CompareTo(ToVersion(right)) : Cdc.SqlLsn.ComparePositions(left, right);
    }

    private static int KindOf(string position) =>
        IsChangeTracking(position) ? 0
        : IsLsn(position) ? 1
        : throw new FormatException($"'{position}' is not a SQL Server position (expected ct:<version> or lsn:<20 hex digits>).");
}
