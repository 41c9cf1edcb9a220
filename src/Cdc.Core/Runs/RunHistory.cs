using System.Text.Json;
using System.Text.Json.Serialization;
using Cdc.Core.Staging;

namespace Cdc.Core.Runs;

/// <summary>Finished runs, one JSON record each under <c>runs/</c> in the staging store, newest last by name.</summary>
public sealed class RunHistory(IStagingStore store)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task SaveAsync(RunResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(result, Json);
        await store.WriteAsync($"runs/{result.RunId}.json", bytes, WriteCondition.None, cancellationToken);
    }

    /// <summary>The finished run <paramref name="runId"/>, or null when the history has none by that id (or the id
    /// could not be one: it names a single record, never a path). Reads that one record.</summary>
    public async Task<RunResult?> GetAsync(string runId, CancellationToken cancellationToken)
    {
        if (!IsRecordName(runId)) return null;
        var stored = await store.ReadAsync($"runs/{runId}.json", cancellationToken);
        return stored is null ? null : JsonSerializer.Deserialize<RunResult>(stored.Content.Span, Json);
    }

    private static bool IsRecordName(string? runId) =>
        !string.IsNullOrWhiteSpace(runId) && runId is not ("." or "..") && runId.IndexOfAny(['/', '\\', '\0']) < 0;

    /// <summary>The newest <paramref name="count"/> runs, newest first.</summary>
    public async Task<IReadOnlyList<RunResult>> RecentAsync(int count, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        await foreach (var entry in store.ListAsync("runs/", cancellationToken)) paths.Add(entry.Path);
        var results = new List<RunResult>();
        foreach (var path in paths.OrderDescending(StringComparer.Ordinal).Take(count))
        {
            var stored = await store.ReadAsync(path, cancellationToken);
            if (stored is null) continue;
            var result = JsonSerializer.Deserialize<RunResult>(stored.Content.Span, Json);
            if (result is not null) results.Add(result);
        }
        return results;
    }
}
