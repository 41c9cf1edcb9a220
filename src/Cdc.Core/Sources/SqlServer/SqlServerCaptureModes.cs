using Cdc.Core.Model;
using Cdc.Core.Pipeline;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>What discovery knows about a table's change capture options.</summary>
/// <param name="HasPrimaryKey">Change tracking identifies rows by the primary key and needs one.</param>
internal readonly record struct CaptureOptions(bool HasPrimaryKey, bool ChangeTrackingEnabled, bool CdcEnabled);

/// <summary>What discovery knows about the database.</summary>
/// <param name="SnapshotIsolationState">sys.databases.snapshot_isolation_state: 1 is on; 0 off; 2 and 3 in transition.</param>
/// <param name="ChangeTrackingVersion">CHANGE_TRACKING_CURRENT_VERSION(): NULL when the database has change tracking off.</param>
internal sealed record SqlServerDatabaseFacts(string Name, byte SnapshotIsolationState, bool CdcEnabled, long? ChangeTrackingVersion)
{
    public bool SnapshotIsolationOn => SnapshotIsolationState == 1;

    public bool ChangeTrackingEnabled => ChangeTrackingVersion is not null;
}

/// <summary>
/// Chooses how each table is captured. <c>change_tracking</c> and <c>cdc</c> are taken as asked; <c>auto</c> takes
/// change tracking for a table with a primary key that has it enabled, else CDC when enabled. A table that cannot be
/// captured as asked is refused with the statements that would enable it.
/// </summary>
internal static class SqlServerCaptureModes
{
    /// <returns><see cref="CaptureMode.ChangeTracking"/> or <see cref="CaptureMode.Cdc"/>.</returns>
    public static CaptureMode Resolve(TableId table, CaptureMode requested, CaptureOptions options, SqlServerDatabaseFacts database)
    {
        ArgumentNullException.ThrowIfNull(database);
        switch (requested)
        {
            case CaptureMode.ChangeTracking:
                if (!options.HasPrimaryKey)
                    throw new SourceException(
                        $"Table {table} has no primary key, and change tracking (capture_mode: change_tracking) needs one to identify rows. " +
                        $"Add a primary key, or capture the table with CDC (capture_mode: cdc), enabled with: {Join(SqlServerEnableStatements.Cdc(table, database.CdcEnabled))}");
                if (!options.ChangeTrackingEnabled)
                    throw new SourceException(
                        $"Change tracking is not enabled for table {table} (capture_mode: change_tracking). Enable it with: {ChangeTracking(table, database)}");
                return CaptureMode.ChangeTracking;

            case CaptureMode.Cdc:
                if (!options.CdcEnabled)
                    throw new SourceException(
                        $"CDC is not enabled for table {table} (capture_mode: cdc). Enable it with: {Join(SqlServerEnableStatements.Cdc(table, database.CdcEnabled))} " +
                        $"({(database.CdcEnabled ? "" : "sys.sp_cdc_enable_db needs sysadmin; ")}CDC also needs SQL Server Agent running, except on Azure SQL Database).");
                return CaptureMode.Cdc;

            case CaptureMode.Auto:
                if (options.HasPrimaryKey && options.ChangeTrackingEnabled) return CaptureMode.ChangeTracking;
                if (options.CdcEnabled) return CaptureMode.Cdc;
                throw new SourceException(options.HasPrimaryKey
                    ? $"Table {table} has neither change tracking nor CDC enabled. Enable change tracking (preferred for a table with a primary key) with: {ChangeTracking(table, database)} " +
                      $"Or enable CDC with: {Join(SqlServerEnableStatements.Cdc(table, database.CdcEnabled))}"
                    : $"Table {table} has no primary key, so change tracking cannot capture it, and CDC is not enabled for it. " +
                      $"Enable CDC with: {Join(SqlServerEnableStatements.Cdc(table, database.CdcEnabled))} Or add a primary key and enable change tracking.");

            default:
                throw new ArgumentOutOfRangeException(nameof(requested), requested, "Unknown capture mode.");
        }
    }

    /// <summary>Refuses a database that does not allow snapshot isolation: snapshots and change tracking reads need it.</summary>
    public static void EnsureSnapshotIsolation(SqlServerDatabaseFacts database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (!database.SnapshotIsolationOn)
            throw new SourceException(
                $"Database {database.Name} does not allow snapshot isolation, which Ingest reads snapshot chunks and change tracking changes under " +
                $"(so each read is consistent and blocks no writer). Allow it with: {SqlServerEnableStatements.SnapshotIsolation(database.Name)}");
    }

    private static string ChangeTracking(TableId table, SqlServerDatabaseFacts database) =>
        Join(SqlServerEnableStatements.ChangeTracking(table, database.Name, database.ChangeTrackingEnabled));

    private static string Join(IReadOnlyList<string> statements) => string.Join(" ", statements);
}
