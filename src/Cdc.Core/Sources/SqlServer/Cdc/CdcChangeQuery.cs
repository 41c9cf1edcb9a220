using System.Data;
using System.Text;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>
/// The statement reading one window of a capture instance: <c>cdc.fn_cdc_get_all_changes_&lt;instance&gt;</c> with
/// <c>all update old</c> (before-images reveal key changes), the projected columns, and each change's commit time from
/// <c>cdc.lsn_time_mapping</c>, in commit order and, within a transaction, in change order.
/// </summary>
internal static class CdcChangeQuery
{
    public const string FunctionPrefix = "fn_cdc_get_all_changes_";
    public const string Alias = "c";

    /// <summary>Result ordinals: the function's four metadata columns come first, as it returns them.</summary>
    public const int StartLsnOrdinal = 0;
    public const int SeqvalOrdinal = 1;
    public const int OperationOrdinal = 2;
    public const int UpdateMaskOrdinal = 3;
    public const int FirstColumnOrdinal = 4;

    /// <summary>The function of an instance as one quoted identifier in the cdc schema.</summary>
    public static string FunctionName(string captureInstance) => SqlName.Qualified("cdc", FunctionPrefix + captureInstance);

    public static (string Sql, CdcChangeLayout Layout) Build(CdcProjection projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        var sql = new StringBuilder("SELECT ")
            .Append(Meta("__$start_lsn")).Append(", ").Append(Meta("__$seqval")).Append(", ")
            .Append(Meta("__$operation")).Append(", ").Append(Meta("__$update_mask"));
        var ordinals = new int[projection.Schema.Columns.Count];
        var next = FirstColumnOrdinal;
        for (var i = 0; i < ordinals.Length; i++)
        {
            if (projection.Sources[i] is not { } captured)
            {
                ordinals[i] = -1;
                continue;
            }
            var column = projection.Schema.Columns[i];
            sql.Append(", ").Append(CdcProjection.ReadExpression(column, captured, Alias + "." + SqlName.Quote(captured.Name)))
                .Append(" AS ").Append(SqlName.Quote(column.Name));
            ordinals[i] = next++;
        }
        sql.Append(", m.[tran_end_time] FROM ").Append(FunctionName(projection.Instance.Name))
            .Append("(@from_lsn, @to_lsn, N'all update old') AS " + Alias)
            // TOP (1): one commit time per change row, whatever the mapping table holds.
            .Append(" OUTER APPLY (SELECT TOP (1) l.[tran_end_time] FROM [cdc].[lsn_time_mapping] AS l WHERE l.[start_lsn] = c.[__$start_lsn]) AS m")
            .Append(" ORDER BY ").Append(Meta("__$start_lsn")).Append(", ").Append(Meta("__$seqval")).Append(", ").Append(Meta("__$operation"));
        return (sql.ToString(), new CdcChangeLayout(ordinals, next));
    }

    public static IReadOnlyList<SqlParameter> Parameters(CdcWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return [Lsn("@from_lsn", window.From), Lsn("@to_lsn", window.To)];
    }

    public static SqlParameter Lsn(string name, SqlLsn value) =>
        new(name, SqlDbType.Binary, SqlLsn.ByteLength) { Value = value.ToBytes() };

    private static string Meta(string column) => Alias + "." + SqlName.Quote(column);
}

/// <param name="ColumnOrdinals">Aligned with the schema's columns: the result ordinal of each, or -1 when the instance
/// does not capture it.</param>
/// <param name="CommitTimeOrdinal">The commit time (<c>tran_end_time</c>, server local time) after the columns.</param>
internal sealed record CdcChangeLayout(IReadOnlyList<int> ColumnOrdinals, int CommitTimeOrdinal);
