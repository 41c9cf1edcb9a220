using Cdc.Core.Model;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>
/// What CDC knows about one source table: its capture instances (at most two, oldest first) and the table's current
/// columns, as read by <see cref="CdcReader.DescribeAsync"/>.
/// </summary>
/// <param name="SourceColumns">The table's columns now, in column order; a capture instance keeps the columns the
/// table had when it was created.</param>
public sealed record CdcTableInfo(TableId Table, IReadOnlyList<CdcCaptureInstance> Instances, IReadOnlyList<CdcSourceColumn> SourceColumns)
{
    /// <summary>
    /// The instance whose columns the table's schema carries: the newest one whose start LSN is established, else the
    /// newest. A newer instance takes over only once CDC has started it, and never goes back, so the schema changes
    /// once per instance switch and not between runs.
    /// </summary>
    public CdcCaptureInstance InUse
    {
        get
        {
            if (Instances.Count == 0) throw new InvalidOperationException($"{Table} has no capture instance.");
            for (var i = Instances.Count - 1; i >= 0; i--)
                if (Instances[i].IsReady) return Instances[i];
            return Instances[^1];
        }
    }

}

/// <summary>One capture instance of a table, from <c>cdc.change_tables</c> and <c>cdc.captured_columns</c>.</summary>
/// <param name="StartLsn">The low end of the instance's change data (moves up as cleanup removes old changes); null
/// while CDC has not established it.</param>
/// <param name="CreateDate">When the instance was created (server local time).</param>
/// <param name="Columns">The captured columns in change-table order, typed as the change table declares them.</param>
public sealed record CdcCaptureInstance(
    string Name,
    SqlLsn? StartLsn,
    DateTime CreateDate,
    bool SupportsNetChanges,
    string? RoleName,
    string? IndexName,
    string? FilegroupName,
    bool AllowPartitionSwitch,
    IReadOnlyList<CdcCapturedColumn> Columns)
{
    public bool IsReady => StartLsn is { IsZero: false };

    /// <summary>The captured columns that carry values: CDC always records NULL for a computed column.</summary>
    public IEnumerable<CdcCapturedColumn> ValueColumns => Columns.Where(c => !c.IsComputed);

    public CdcCapturedColumn? Find(string name) => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}

/// <summary>A captured column with the type its change-table column has (<c>sys.columns</c> of the change table).</summary>
/// <param name="Ordinal">Position among the captured columns (<c>column_ordinal</c>, 1-based).</param>
/// <param name="MaxLength">Bytes, as <c>sys.columns.max_length</c> gives it (-1 for max types).</param>
public sealed record CdcCapturedColumn(string Name, int Ordinal, bool IsComputed, string TypeName, int MaxLength, int Precision, int Scale, bool Nullable)
{
    /// <summary>CDC leaves these NULL in delete rows and update before-images, whatever the value was.</summary>
    public bool IsLegacyLob => TypeName is "text" or "ntext" or "image";

    /// <summary>CDC leaves these NULL in an update before-image unless the update changed them.</summary>
    public bool IsLob => IsLegacyLob || MaxLength == -1 || TypeName == "xml";
}

/// <summary>A column of the source table as it is now.</summary>
public sealed record CdcSourceColumn(string Name, bool IsComputed);
