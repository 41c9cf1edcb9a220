using Cdc.Core.Model;
using Cdc.Core.SqlServer;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>The exact statements that make a table capturable, for messages; names quoted so they run as shown.</summary>
public static class SqlServerEnableStatements
{
    public static string ChangeTrackingDatabase(string database) =>
        $"ALTER DATABASE {SqlName.Quote(database)} SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 7 DAYS, AUTO_CLEANUP = ON);";

    public static string ChangeTrackingTable(TableId table) => $"ALTER TABLE {SqlName.Qualified(table)} ENABLE CHANGE_TRACKING;";

    public const string CdcDatabase = "EXEC sys.sp_cdc_enable_db;";

    public static string CdcTable(TableId table) =>
        $"EXEC sys.sp_cdc_enable_table @source_schema = {SqlName.Literal(table.Schema)}, @source_name = {SqlName.Literal(table.Name)}, @role_name = NULL;";

    public static string SnapshotIsolation(string database) => $"ALTER DATABASE {SqlName.Quote(database)} SET ALLOW_SNAPSHOT_ISOLATION ON;";

    /// <summary>The statements enabling change tracking for the table, the database's first when it has it off.</summary>
    public static IReadOnlyList<string> ChangeTracking(TableId table, string database, bool databaseEnabled) =>
        databaseEnabled ? [ChangeTrackingTable(table)] : [ChangeTrackingDatabase(database), ChangeTrackingTable(table)];

    /// <summary>The statements enabling CDC for the table, the database's first when it has it off.</summary>
    public static IReadOnlyList<string> Cdc(TableId table, bool databaseEnabled) =>
        databaseEnabled ? [CdcTable(table)] : [CdcDatabase, CdcTable(table)];
}
