using Cdc.Core.Runs;

namespace Ingest.Cli.Output;

/// <summary>Prints run events as they happen, one line each, synchronously (Progress&lt;T&gt; would reorder them).</summary>
public sealed class ProgressPrinter(TextWriter output) : IProgress<RunEvent>
{
    private readonly Lock _gate = new();

    public void Report(RunEvent value)
    {
        var line = value switch
        {
            RunStarted e => $"run {e.RunId}: {e.Pipeline}, {e.Tables.Count} table(s), trigger {e.Trigger}",
            SnapshotChunkStaged e => $"  snapshot  {e.Table}: {e.TotalRows:N0} rows staged (chunk {e.Sequence}, generation {e.Generation}{(e.Final ? ", complete" : "")})",
            ChangesStaged e => $"  changes   {e.Table}: {e.Rows:N0} rows staged in batch {e.Sequence}" + (e.ToPosition is null ? "" : $" (to {e.ToPosition})"),
            BatchApplied e => $"  applied   {e.Flow.TargetSchema}.{e.Flow.TargetTable}: batch {e.Sequence} ({e.Kind}) +{e.Result.Inserted:N0} ~{e.Result.Updated:N0} -{e.Result.Deleted:N0}",
            TableFailed e => $"  FAILED    {e.Table} ({e.Step}): {e.Error}",
            RunFinished e => $"run {e.RunId}: {e.Outcome}",
            _ => null,
        };
        if (line is null) return;
        lock (_gate) output.WriteLine(line);
    }
}
