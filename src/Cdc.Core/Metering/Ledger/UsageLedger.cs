using System.Globalization;
using System.Text.Json;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Metering;

/// <summary>
/// The append-only usage ledger in the deployment store, one folder per UTC day of the runs' start:
/// <code>
/// usage/&lt;yyyy-MM-dd&gt;/runs/&lt;pipeline&gt;.&lt;run id&gt;.json   one run's records, written once (create-only)
/// usage/&lt;yyyy-MM-dd&gt;/rollup.json                        a day's runs merged, a cache rebuilt from the run files
/// </code>
/// Blob storage has no cheap append, so each run adds its own object and a reader merges a day's objects. Once a
/// day has <see cref="RollupThreshold"/> run files not in its rollup, the reader writes a new rollup (ETag-guarded;
/// run files written meanwhile are simply read on their own next time), so reading a month stays about one request
/// per day plus the listing.
/// </summary>
public sealed class UsageLedger(IStagingStore store, ILogger? logger = null)
{
    public const string Folder = "usage";
    public const int RollupThreshold = 20;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    public IStagingStore Store { get; } = store;

    public static string DayFolder(DateOnly day) => $"{Folder}/{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/";

    public static string RunPath(DateOnly day, string pipeline, string runId) =>
        $"{DayFolder(day)}runs/{StagingPath.EscapeSegment(pipeline)}.{StagingPath.EscapeSegment(runId)}.json";

    /// <summary>Records one run. Its records all go to the day the run started (UTC). A second append of the same
    /// run (a retried activity) keeps the first and returns false.</summary>
    public async Task<bool> AppendAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return false;
        var first = records[0];
        var day = DateOnly.FromDateTime(first.Start.UtcDateTime);
        var file = new LedgerRunFile(UsageRecord.CurrentSchemaVersion, first.Pipeline, first.RunId, records);
        var path = RunPath(day, first.Pipeline, first.RunId);
        try
        {
            await Store.WriteAsync(path, JsonSerializer.SerializeToUtf8Bytes(file, UsageJson.Options), WriteCondition.IfNotExists, cancellationToken);
            return true;
        }
        catch (StagingConflictException)
        {
            MeteringLog.RunAlreadyInLedger(_logger, first.RunId, path);
            return false;
        }
    }

    /// <summary>Every record of runs that started on the days <paramref name="from"/> to <paramref name="to"/>
    /// (inclusive, UTC), runs in the order they started.</summary>
    public async Task<IReadOnlyList<UsageRecord>> ReadAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        [.. (await ReadDaysAsync(from, to, cancellationToken)).SelectMany(d => d.Records)];

    /// <summary>Like <see cref="ReadAsync"/>, with each day's records apart (days without runs left out). The range
    /// is listed with one request per 5,000 objects under the days' common prefix, not one per day.</summary>
    public async Task<IReadOnlyList<LedgerDay>> ReadDaysAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        if (to < from) return [];
        var first = DayFolder(from);
        var last = DayFolder(to);
        var common = first[..first.Zip(last).TakeWhile(p => p.First == p.Second).Count()];
        var entries = new Dictionary<DateOnly, List<StagedEntry>>();
        await foreach (var entry in Store.ListAsync(common, cancellationToken))
        {
            var parts = entry.Path.Split('/');
            if (parts.Length < 3 || !DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) continue;
            if (day < from || day > to) continue;
            if (!entries.TryGetValue(day, out var list)) entries[day] = list = [];
            list.Add(entry);
        }

        var days = new List<LedgerDay>();
        foreach (var (day, list) in entries.OrderBy(e => e.Key))
        {
            var records = await ReadDayAsync(day, list, cancellationToken);
            if (records.Count > 0) days.Add(new LedgerDay(day, records));
        }
        return days;
    }

    public async Task<IReadOnlyList<UsageRecord>> ReadDayAsync(DateOnly day, CancellationToken cancellationToken) =>
        (await ReadDaysAsync(day, day, cancellationToken)).SelectMany(d => d.Records).ToList();

    private async Task<IReadOnlyList<UsageRecord>> ReadDayAsync(DateOnly day, IReadOnlyList<StagedEntry> entries, CancellationToken cancellationToken)
    {
        var folder = DayFolder(day);
        var runFiles = new List<string>();
        string? rollupEtag = null;
        foreach (var entry in entries)
        {
            if (entry.Path == folder + "rollup.json") rollupEtag = entry.ETag;
            else if (entry.Path.StartsWith(folder + "runs/", StringComparison.Ordinal) && entry.Path.EndsWith(".json", StringComparison.Ordinal)) runFiles.Add(entry.Path);
        }
        if (runFiles.Count == 0 && rollupEtag is null) return [];

        var rollup = rollupEtag is null ? null : await ReadAsync<LedgerRollupFile>(folder + "rollup.json", cancellationToken);
        var covered = rollup?.Files.ToHashSet(StringComparer.Ordinal) ?? [];
        var runs = new List<(string Path, IReadOnlyList<UsageRecord> Records)>();
        foreach (var path in runFiles.Where(p => !covered.Contains(p)).Order(StringComparer.Ordinal))
            if (await ReadAsync<LedgerRunFile>(path, cancellationToken) is { } file) runs.Add((path, file.Records));

        var records = new List<UsageRecord>(rollup?.Records ?? []);
        foreach (var run in runs) records.AddRange(run.Records);

        // Runs in the order they started (a stable sort keeps each run's own record order).
        var runStarts = records.GroupBy(r => (r.Pipeline, r.RunId)).ToDictionary(g => g.Key, g => g.Min(r => r.Start));
        records = [.. records.OrderBy(r => runStarts[(r.Pipeline, r.RunId)]).ThenBy(r => r.Pipeline, StringComparer.Ordinal).ThenBy(r => r.RunId, StringComparer.Ordinal)];

        if (runs.Count >= RollupThreshold)
        {
            var files = covered.Concat(runs.Select(r => r.Path)).Order(StringComparer.Ordinal).ToList();
            await TryWriteRollupAsync(folder, new LedgerRollupFile(UsageRecord.CurrentSchemaVersion, files, records), rollupEtag, cancellationToken);
        }
        return records;
    }

    private async Task TryWriteRollupAsync(string folder, LedgerRollupFile rollup, string? etag, CancellationToken cancellationToken)
    {
        try
        {
            await Store.WriteAsync(folder + "rollup.json", JsonSerializer.SerializeToUtf8Bytes(rollup, UsageJson.Options), WriteCondition.Replacing(etag), cancellationToken);
            MeteringLog.RollupWritten(_logger, folder, rollup.Files.Count);
        }
        catch (StagingConflictException)
        {
            // Another reader rolled the day up first; either rollup is a correct cache.
        }
    }

    private async Task<T?> ReadAsync<T>(string path, CancellationToken cancellationToken)
        where T : class
    {
        var stored = await Store.ReadAsync(path, cancellationToken);
        if (stored is null) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(stored.Content.Span, UsageJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Usage ledger file '{path}' in {Store.Description} is not a valid ledger document: {e.Message}", e);
        }
    }
}

/// <summary>The records of runs that started on <see cref="Day"/> (UTC).</summary>
public sealed record LedgerDay(DateOnly Day, IReadOnlyList<UsageRecord> Records);

/// <summary>One run's records as stored in the ledger.</summary>
internal sealed record LedgerRunFile(int SchemaVersion, string Pipeline, string RunId, IReadOnlyList<UsageRecord> Records);

/// <summary>A day's run files merged; <see cref="Files"/> names the run files it covers.</summary>
internal sealed record LedgerRollupFile(int SchemaVersion, IReadOnlyList<string> Files, IReadOnlyList<UsageRecord> Records);
