using System.Data;
using System.Globalization;
using System.Text;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>The small CDC statements: the current end, a table's first needed LSN with its instances' low ends, and
/// creating or dropping a capture instance.</summary>
internal static class CdcStatements
{
    /// <summary>The end of what CDC has captured (0x00... or NULL before the capture job recorded anything), with the
    /// server's clock: its offset turns <c>tran_end_time</c> (server local time) into an instant.</summary>
    public const string EndSql = "SELECT sys.fn_cdc_get_max_lsn(), SYSDATETIMEOFFSET()";

    /// <summary><c>sys.fn_cdc_increment_lsn(@after)</c>, the first LSN still needed, and
    /// <c>sys.fn_cdc_get_min_lsn</c> of each instance (@instance0, @instance1, ...).</summary>
    public static string FirstNeededSql(int instanceCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(instanceCount);
        var sql = new StringBuilder("SELECT sys.fn_cdc_increment_lsn(@after)");
        for (var i = 0; i < instanceCount; i++) sql.Append(CultureInfo.InvariantCulture, $", sys.fn_cdc_get_min_lsn(@instance{i})");
        return sql.ToString();
    }

    public static IReadOnlyList<SqlParameter> FirstNeededParameters(SqlLsn after, IReadOnlyList<CdcCaptureInstance> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        var parameters = new List<SqlParameter> { CdcChangeQuery.Lsn("@after", after) };
        for (var i = 0; i < instances.Count; i++) parameters.Add(Name($"@instance{i}", instances[i].Name));
        return parameters;
    }

    /// <summary>
    /// The end of what CDC has captured and the low end of one instance (@instance), read together: where a snapshot
    /// starts (<see cref="CdcReadChecks.SnapshotPosition"/>), how far the replica a snapshot chunk reads has come, and,
    /// first in a window's SNAPSHOT transaction, whether that replica holds the window at all.
    /// </summary>
    public const string PositionSql = "SELECT sys.fn_cdc_get_max_lsn(), sys.fn_cdc_get_min_lsn(@instance)";

    public static SqlParameter InstanceParameter(string captureInstance) => Name("@instance", captureInstance);

    /// <summary>A binary(10) LSN as a result value; null for NULL.</summary>
    public static SqlLsn? LsnOf(object? value) => value switch
    {
        null or DBNull => null,
        byte[] bytes => SqlLsn.FromBytes(bytes),
        _ => throw new InvalidOperationException($"Expected an LSN (binary(10)), got {value.GetType().Name}."),
    };

    /// <summary>A capture instance over every column of the table (no @captured_column_list), with the role, net
    /// changes support, unique index, filegroup and partition switch setting of <paramref name="template"/>.</summary>
    public const string EnableTableSql =
        "EXEC sys.sp_cdc_enable_table @source_schema = @source_schema, @source_name = @source_name, @capture_instance = @capture_instance, "
        + "@supports_net_changes = @supports_net_changes, @role_name = @role_name, @index_name = @index_name, @filegroup_name = @filegroup_name, "
        + "@allow_partition_switch = @allow_partition_switch";

    public static IReadOnlyList<SqlParameter> EnableTableParameters(TableId table, string captureInstance, CdcCaptureInstance template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return
        [
            Name("@source_schema", table.Schema), Name("@source_name", table.Name), Name("@capture_instance", captureInstance),
            Bit("@supports_net_changes", template.SupportsNetChanges), Name("@role_name", template.RoleName),
            Name("@index_name", template.IndexName), Name("@filegroup_name", template.FilegroupName),
            Bit("@allow_partition_switch", template.AllowPartitionSwitch),
        ];
    }

    public const string DisableTableSql =
        "EXEC sys.sp_cdc_disable_table @source_schema = @source_schema, @source_name = @source_name, @capture_instance = @capture_instance";

    public static IReadOnlyList<SqlParameter> DisableTableParameters(TableId table, string captureInstance)
    {
        // 'all' would disable every instance of the table, not one named so.
        if (string.Equals(captureInstance, "all", StringComparison.OrdinalIgnoreCase))
            throw new SourceException($"Capture instance \"{captureInstance}\" of {table} cannot be dropped by name: sys.sp_cdc_disable_table reads 'all' as every instance of the table. Drop it by hand.");
        return [Name("@source_schema", table.Schema), Name("@source_name", table.Name), Name("@capture_instance", captureInstance)];
    }

    /// <summary>What enables CDC for a table, for messages about a table that has no capture instance.</summary>
    public static string EnableTableHint(TableId table) =>
        $"EXEC sys.sp_cdc_enable_table @source_schema = {SqlName.Literal(table.Schema)}, @source_name = {SqlName.Literal(table.Name)}, @role_name = NULL;";

    /// <summary>A sysname parameter; null passes NULL (for @role_name, explicitly no gating role).</summary>
    private static SqlParameter Name(string name, string? value) =>
        new(name, SqlDbType.NVarChar, 128) { Value = (object?)value ?? DBNull.Value };

    private static SqlParameter Bit(string name, bool value) => new(name, SqlDbType.Bit) { Value = value };
}
