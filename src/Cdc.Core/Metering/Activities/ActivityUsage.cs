namespace Cdc.Core.Metering;

/// <summary>
/// What one activity of an orchestrated run used: its wall-clock span, the process CPU it took, and what its metered
/// components counted per table and step. It travels as JSON in the activity's result; the run's last activity adds
/// up those of the whole run into its usage records (<see cref="RunUsageBuilder"/>).
/// </summary>
public sealed record ActivityUsage(DateTimeOffset Start, DateTimeOffset End, double CpuSeconds, IReadOnlyList<StepUsage> Steps)
{
    public double WallSeconds => Math.Max(0, (End - Start).TotalSeconds);
}

/// <summary>What one table's step (or the run itself, <see cref="Table"/> null) counted within one activity.</summary>
/// <param name="Table"><c>schema.table</c> as <see cref="Model.TableId.Parse"/> reads it; null for the run's own share.</param>
/// <param name="BusySeconds">Seconds the step kept the source, staging or target busy.</param>
public sealed record StepUsage(
    string? Table,
    UsageStep Step,
    RowCounts RowsRead,
    RowCounts RowsStaged,
    RowCounts RowsApplied,
    long BytesRead,
    long BytesStaged,
    long FilesStaged,
    StorageOperations Storage,
    long SourceCalls,
    long TargetCalls,
    double BusySeconds,
    DateTimeOffset? FirstActivity,
    DateTimeOffset? LastActivity,
    double? LagSeconds)
{
    /// <summary>Both parts of one table's step, as if counted by one meter.</summary>
    public StepUsage Add(StepUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with
        {
            RowsRead = RowsRead.Add(other.RowsRead),
            RowsStaged = RowsStaged.Add(other.RowsStaged),
            RowsApplied = RowsApplied.Add(other.RowsApplied),
            BytesRead = BytesRead + other.BytesRead,
            BytesStaged = BytesStaged + other.BytesStaged,
            FilesStaged = FilesStaged + other.FilesStaged,
            Storage = Storage.Add(other.Storage),
            SourceCalls = SourceCalls + other.SourceCalls,
            TargetCalls = TargetCalls + other.TargetCalls,
            BusySeconds = BusySeconds + other.BusySeconds,
            FirstActivity = Earliest(FirstActivity, other.FirstActivity),
            LastActivity = Latest(LastActivity, other.LastActivity),
            LagSeconds = LagSeconds is { } lag && other.LagSeconds is { } otherLag ? Math.Max(lag, otherLag) : LagSeconds ?? other.LagSeconds,
        };
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
