using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cdc.Core.Model;
using Cdc.Core.Runs;
using Cdc.Core.Staging;

namespace Cdc.Core.Metering;

/// <summary>
/// The stable JSON form of run events, one object per line of a run's event log. Every line has
/// <c>schema_version</c>, <c>type</c>, <c>run_id</c>, <c>pipeline</c>, <c>at</c>, then the type's own fields in a fixed
/// order, then <c>tags</c>. Types: run_started, batch_staged, snapshot_progress, schema_changed, retention_gap,
/// batch_applied, table_failed, budget_alert, run_finished (docs/metering.md lists the fields). Fields are only ever
/// added; a consumer should ignore fields and types it does not know.
/// </summary>
public static class RunEventJson
{
    public const int SchemaVersion = 1;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The event log lines of one event (a staged snapshot chunk gives two: batch_staged and
    /// snapshot_progress).</summary>
    /// <param name="rowEstimates">Source row estimates per table, for snapshot percentages; missing means unknown.</param>
    public static IReadOnlyList<string> Lines(RunEvent runEvent, string pipeline, IReadOnlyDictionary<string, string> tags, IReadOnlyDictionary<TableId, long>? rowEstimates = null)
    {
        ArgumentNullException.ThrowIfNull(runEvent);
        return runEvent switch
        {
            SnapshotChunkStaged chunk =>
            [
                Line(runEvent, "batch_staged", pipeline, tags, w => BatchStaged(w, chunk.Table, chunk.Sequence, BatchKind.SnapshotChunk, chunk.ChunkRows, chunk.Bytes, chunk.Generation, null)),
                Line(runEvent, "snapshot_progress", pipeline, tags, w => SnapshotProgress(w, chunk, rowEstimates)),
            ],
            _ => [Line(runEvent, TypeOf(runEvent), pipeline, tags, w => Fields(w, runEvent))],
        };
    }

    private static string TypeOf(RunEvent runEvent) => runEvent switch
    {
        RunStarted => "run_started",
        ChangesStaged => "batch_staged",
        SchemaChanged => "schema_changed",
        RetentionGap => "retention_gap",
        BatchApplied => "batch_applied",
        TableFailed => "table_failed",
        BudgetAlertRaised => "budget_alert",
        RunFinished => "run_finished",
        _ => JsonNamingPolicy.SnakeCaseLower.ConvertName(runEvent.GetType().Name),
    };

    private static void Fields(Utf8JsonWriter w, RunEvent runEvent)
    {
        switch (runEvent)
        {
            case RunStarted e:
                w.WriteString("trigger", Word(e.Trigger));
                w.WriteStartArray("tables");
                foreach (var table in e.Tables) Table(w, null, table);
                w.WriteEndArray();
                break;
            case ChangesStaged e:
                BatchStaged(w, e.Table, e.Sequence, BatchKind.Changes, e.Rows, e.Bytes, null, e.ToPosition);
                break;
            case SchemaChanged e:
                Table(w, "table", e.Table);
                w.WriteNumber("sequence", e.Sequence);
                Names(w, "added_columns", e.AddedColumns);
                Names(w, "dropped_columns", e.DroppedColumns);
                Names(w, "changed_columns", e.ChangedColumns);
                break;
            case RetentionGap e:
                Table(w, "table", e.Table);
                w.WriteString("reason", e.Reason);
                break;
            case BatchApplied e:
                Table(w, "table", e.Flow.Source);
                w.WriteStartObject("target");
                w.WriteString("schema", e.Flow.TargetSchema);
                w.WriteString("name", e.Flow.TargetTable);
                w.WriteEndObject();
                w.WriteNumber("sequence", e.Sequence);
                w.WriteString("kind", Word(e.Kind));
                w.WriteNumber("rows_read", e.Result.RowsRead);
                w.WriteNumber("inserted", e.Result.Inserted);
                w.WriteNumber("updated", e.Result.Updated);
                w.WriteNumber("deleted", e.Result.Deleted);
                break;
            case TableFailed e:
                Table(w, "table", e.Table);
                w.WriteString("step", e.Step);
                w.WriteString("error", e.Error);
                break;
            case BudgetAlertRaised e:
                w.WriteString("budget", e.Alert.Budget);
                w.WriteString("period", Word(e.Alert.Period));
                w.WriteString("period_key", e.Alert.PeriodKey);
                w.WriteNumber("threshold_percent", e.Alert.ThresholdPercent);
                w.WriteNumber("amount", e.Alert.Amount);
                w.WriteNumber("spend", e.Alert.Spend);
                w.WriteString("currency", e.Alert.Currency);
                w.WriteBoolean("enforced", e.Alert.Enforced);
                break;
            case RunFinished e:
                w.WriteString("outcome", Word(e.Outcome));
                break;
        }
    }

    private static void BatchStaged(Utf8JsonWriter w, TableId table, long sequence, BatchKind kind, long rows, long bytes, int? generation, string? toPosition)
    {
        Table(w, "table", table);
        w.WriteNumber("sequence", sequence);
        w.WriteString("kind", Word(kind));
        w.WriteNumber("rows", rows);
        w.WriteNumber("bytes", bytes);
        if (generation is { } g) w.WriteNumber("generation", g);
        else w.WriteNull("generation");
        w.WriteString("to_position", toPosition);
    }

    private static void SnapshotProgress(Utf8JsonWriter w, SnapshotChunkStaged e, IReadOnlyDictionary<TableId, long>? estimates)
    {
        Table(w, "table", e.Table);
        w.WriteNumber("generation", e.Generation);
        w.WriteNumber("sequence", e.Sequence);
        w.WriteNumber("rows_staged", e.TotalRows);
        long? estimate = estimates is not null && estimates.TryGetValue(e.Table, out var rows) && rows > 0 ? rows : null;
        if (estimate is { } n) w.WriteNumber("estimated_rows", n);
        else w.WriteNull("estimated_rows");
        // Estimates are statistics and may be below the truth: an unfinished snapshot never shows 100%.
        double? percent = e.Final ? 100 : estimate is { } total ? Math.Round(Math.Min(99.9, 100.0 * e.TotalRows / total), 1) : null;
        if (percent is { } p) w.WriteNumber("percent", p);
        else w.WriteNull("percent");
        w.WriteBoolean("final", e.Final);
    }

    private static string Line(RunEvent runEvent, string type, string pipeline, IReadOnlyDictionary<string, string> tags, Action<Utf8JsonWriter> fields)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("schema_version", SchemaVersion);
            w.WriteString("type", type);
            w.WriteString("run_id", runEvent.RunId);
            w.WriteString("pipeline", pipeline);
            w.WriteString("at", runEvent.At);
            fields(w);
            w.WriteStartObject("tags");
            foreach (var (key, value) in tags) w.WriteString(key, value);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Table(Utf8JsonWriter w, string? name, TableId table)
    {
        if (name is null) w.WriteStartObject();
        else w.WriteStartObject(name);
        w.WriteString("schema", table.Schema);
        w.WriteString("name", table.Name);
        w.WriteEndObject();
    }

    private static void Names(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }

    private static string Word<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
