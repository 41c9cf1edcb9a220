using System.Text;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;

namespace Cdc.Core.Metering;

/// <summary>
/// The event log of an orchestrated run is written in parts, one per activity (each may run in another process):
/// <c>run-events/parts/&lt;run id&gt;/&lt;part&gt;.jsonl</c>. The run's last activity joins them, in part-name
/// order, into the run's <see cref="RunEventLog"/>, then removes them. A retried activity overwrites its own part.
/// </summary>
internal static class RunEventParts
{
    public static string Prefix(string runId) => $"{RunEventLog.Folder}/parts/{StagingPath.EscapeSegment(runId)}/";

    public static Task WritePartAsync(IStagingStore store, string runId, string part, IEnumerable<string> lines, CancellationToken cancellationToken) =>
        store.WriteAsync($"{Prefix(runId)}{part}.jsonl", Encode(lines), WriteCondition.None, cancellationToken);

    /// <summary>Every part's lines, parts in name order.</summary>
    public static async Task<IReadOnlyList<string>> ReadPartsAsync(IStagingStore store, string runId, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        await foreach (var entry in store.ListAsync(Prefix(runId), cancellationToken)) paths.Add(entry.Path);
        var lines = new List<string>();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            if (await store.ReadAsync(path, cancellationToken) is not { } stored) continue;
            lines.AddRange(Encoding.UTF8.GetString(stored.Content.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        return lines;
    }

    public static Task WriteLogAsync(IStagingStore store, string runId, IEnumerable<string> lines, CancellationToken cancellationToken) =>
        store.WriteAsync(RunEventLog.PathOf(runId), Encode(lines), WriteCondition.None, cancellationToken);

    public static async Task DeletePartsAsync(IStagingStore store, string runId, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        await foreach (var entry in store.ListAsync(Prefix(runId), cancellationToken)) paths.Add(entry.Path);
        foreach (var path in paths) await store.DeleteAsync(path, null, cancellationToken);
    }

    private static byte[] Encode(IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines) text.Append(line).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
