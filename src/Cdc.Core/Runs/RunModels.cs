using Cdc.Core.Model;
using Cdc.Core.Targets;

namespace Cdc.Core.Runs;

public enum RunTrigger
{
    Manual,
    Schedule,
    BlobArrival,
    Repair,
}

public enum RunOutcome
{
    Succeeded,

    /// <summary>Some tables failed; the others were processed.</summary>
    PartiallyFailed,

    Failed,
}

/// <summary>What to run.</summary>
/// <param name="FullRefresh">Source tables to snapshot again from scratch and swap in.</param>
/// <param name="OnlyTables">When set, the ingest step applies only these source tables (repair of failed tables); the
/// gateway still captures every table, since they share one change stream.</param>
public sealed record RunRequest(string RunId, RunTrigger Trigger, IReadOnlySet<TableId> FullRefresh, IReadOnlySet<TableId>? OnlyTables = null)
{
    public static RunRequest Manual(params TableId[] fullRefresh) =>
        new(NewRunId(), RunTrigger.Manual, fullRefresh.ToHashSet());

    public static string NewRunId() => $"{DateTime.UtcNow:yyyyMMddTHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
}

/// <summary>One table's part in a run.</summary>
public sealed record TableRunResult(TableId Table, long RowsStaged, long BatchesStaged, long BytesStaged, IReadOnlyList<FlowRunResult> Flows, string? Error)
{
    public bool Failed => Error is not null || Flows.Any(f => f.Error is not null);
}

public sealed record FlowRunResult(IngestFlow Flow, long BatchesApplied, ApplyResult Applied, long AppliedSequence, string? Error);

public sealed record RunResult(string RunId, string Pipeline, RunTrigger Trigger, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, RunOutcome Outcome, IReadOnlyList<TableRunResult> Tables, string? Error)
{
    public IEnumerable<TableId> FailedTables => Tables.Where(t => t.Failed).Select(t => t.Table);
}
