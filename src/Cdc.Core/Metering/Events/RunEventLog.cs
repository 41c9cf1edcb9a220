using System.Text;
using Cdc.Core.Model;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;

namespace Cdc.Core.Metering;

/// <summary>
/// Each run's event log, next to the run history in the pipeline's staging store:
/// <c>run-events/&lt;run id&gt;.jsonl</c>, one <see cref="RunEventJson"/> object per line in the order the run
/// reported them. (It stays outside <c>runs/</c>, which holds only run results.)
/// </summary>
public sealed class RunEventLog(IStagingStore store)
{
    public const string Folder = "run-events";

    public static string PathOf(string runId) => $"{Folder}/{StagingPath.EscapeSegment(runId)}.jsonl";

    public async Task WriteAsync(string runId, string pipeline, IReadOnlyDictionary<string, string> tags, IEnumerable<RunEvent> events,
        IReadOnlyDictionary<TableId, long>? rowEstimates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var text = new StringBuilder();
        foreach (var runEvent in events)
            foreach (var line in RunEventJson.Lines(runEvent, pipeline, tags, rowEstimates))
                text.Append(line).Append('\n');
        await store.WriteAsync(PathOf(runId), Encoding.UTF8.GetBytes(text.ToString()), WriteCondition.None, cancellationToken);
    }

    /// <summary>The lines of a run's event log, or an empty list when the run has none.</summary>
    public async Task<IReadOnlyList<string>> ReadAsync(string runId, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(PathOf(runId), cancellationToken);
        if (stored is null) return [];
        return Encoding.UTF8.GetString(stored.Content.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
