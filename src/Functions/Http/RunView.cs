using Cdc.Core.Runs;

namespace Ingest.Functions.Http;

/// <summary>A finished run from the pipeline's run history, as the API shows it (enums as words).</summary>
internal sealed record RunView(
    string RunId,
    string Pipeline,
    string Status,
    string Trigger,
    string Outcome,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    double DurationSeconds,
    IReadOnlyList<string> FailedTables,
    string? Error,
    IReadOnlyList<TableView> Tables)
{
    public static RunView From(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new RunView(
            run.RunId,
            run.Pipeline,
            "Finished",
            run.Trigger.ToString(),
            run.Outcome.ToString(),
            run.StartedAt,
            run.FinishedAt,
            Math.Round((run.FinishedAt - run.StartedAt).TotalSeconds, 3),
            run.FailedTables.Select(t => t.ToString()).ToList(),
            run.Error,
            run.Tables.Select(TableView.From).ToList());
    }
}

/// <summary>One table's part in a finished run.</summary>
internal sealed record TableView(string Table, long RowsStaged, long BatchesStaged, long BytesStaged, long BatchesApplied, long RowsApplied, IReadOnlyList<string> Errors)
{
    public static TableView From(TableRunResult table)
    {
        var errors = new List<string>();
        if (table.Error is not null) errors.Add($"gateway: {table.Error}");
        errors.AddRange(table.Flows.Where(f => f.Error is not null).Select(f => $"{f.Flow}: {f.Error}"));
        return new TableView(
            table.Table.ToString(),
            table.RowsStaged,
            table.BatchesStaged,
            table.BytesStaged,
            table.Flows.Sum(f => f.BatchesApplied),
            table.Flows.Sum(f => f.Applied.Inserted + f.Applied.Updated + f.Applied.Deleted),
            errors);
    }
}
