using System.Collections.Concurrent;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;

namespace Cdc.Core.Orchestration;

/// <summary>
/// Finds the newest commit record of each table in a pipeline's staging store. Sequences have no gaps, so between
/// full listings it only asks, per known table, whether the next commit record exists: one read per table per poll,
/// however much is staged. A full listing of <c>tables/</c> (part files included, so it costs in proportion to what
/// is staged) runs on the first poll, when asked for, and every <see cref="RescanEvery"/> polls; it finds tables
/// staged for the first time and staging areas that were reset.
/// </summary>
public sealed class WatchStagingCommitPoller : IWatchCommitPoller
{
    /// <summary>Probes per table and poll; a table further ahead than this is caught up over the following polls.</summary>
    private const int MaxProbesPerTable = 64;

    private readonly Func<PipelineDefinition, IStagingStore> _openStore;
    private readonly ConcurrentDictionary<string, PipelineCommits> _pipelines = new(StringComparer.Ordinal);

    /// <param name="rescanEvery">Polls between full listings: with a 5 s poll, 12 finds a new table within a minute.</param>
    /// <param name="openStore">The pipeline's staging store; <see cref="StagingStoreFactory.Create"/> by default.</param>
    public WatchStagingCommitPoller(int rescanEvery = 12, Func<PipelineDefinition, IStagingStore>? openStore = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rescanEvery, 1);
        RescanEvery = rescanEvery;
        _openStore = openStore ?? (p => StagingStoreFactory.Create(p.Staging, p.Name));
    }

    public int RescanEvery { get; }

    public async Task<IReadOnlyDictionary<TableId, long>> LatestCommitsAsync(PipelineDefinition pipeline, bool fullListing, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var commits = _pipelines.GetOrAdd(pipeline.Name, _ => new PipelineCommits(_openStore(pipeline)));
        // One poll of a pipeline at a time; the watch loop never overlaps them, the lock keeps other callers honest.
        await commits.Gate.WaitAsync(ct);
        try
        {
            if (commits.Latest is null || fullListing || commits.PollsSinceScan >= RescanEvery - 1)
            {
                commits.Latest = await ScanAsync(commits.Store, ct);
                commits.PollsSinceScan = 0;
            }
            else
            {
                await ProbeAsync(commits.Store, commits.Latest, ct);
                commits.PollsSinceScan++;
            }
            return new Dictionary<TableId, long>(commits.Latest);
        }
        finally
        {
            commits.Gate.Release();
        }
    }

    private static async Task<Dictionary<TableId, long>> ScanAsync(IStagingStore store, CancellationToken ct)
    {
        var latest = new Dictionary<TableId, long>();
        await foreach (var entry in store.ListAsync(StagingLayout.TablesFolder + "/", ct))
        {
            if (!StagingLayout.TryParseCommitTable(entry.Path, out var table)) continue;
            var folder = entry.Path[..(entry.Path.LastIndexOf('/') + 1)];
            if (!StagingLayout.TryParseCommitSequence(entry.Path, folder, out var sequence)) continue;
            if (!latest.TryGetValue(table, out var known) || sequence > known) latest[table] = sequence;
        }
        return latest;
    }

    private static async Task ProbeAsync(IStagingStore store, Dictionary<TableId, long> latest, CancellationToken ct)
    {
        foreach (var table in latest.Keys.ToList())
        {
            var sequence = latest[table];
            for (var probe = 0; probe < MaxProbesPerTable && sequence < StagingLayout.MaxSequence; probe++)
            {
                if (await store.ReadAsync(StagingLayout.CommitPath(table, sequence + 1), ct) is null) break;
                sequence++;
            }
            latest[table] = sequence;
        }
    }

    private sealed class PipelineCommits(IStagingStore store)
    {
        public IStagingStore Store { get; } = store;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public Dictionary<TableId, long>? Latest { get; set; }

        public int PollsSinceScan { get; set; }
    }
}
