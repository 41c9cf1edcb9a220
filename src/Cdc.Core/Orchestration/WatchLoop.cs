using Cdc.Core.Metering;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.State;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Orchestration;

/// <summary>
/// Runs pipelines on their schedules and ingests each table's newly staged batches as they appear, until stopped: the
/// local counterpart of the Functions app's timer and blob-arrival triggers. It checks the staging areas every
/// <see cref="WatchOptions.PollInterval"/> (and wakes at every schedule occurrence), since a local folder or Azurite
/// raises no blob events.
/// <list type="bullet">
/// <item>A schedule occurrence starts one run of the pipeline; a run still going when the next occurrence comes is
/// not started again (a second process is kept out by the pipeline's lease). A run waits for the pipeline's table
/// ingests in flight, and no ingest of the pipeline starts while its run is due or going: the run ingests every table
/// itself, so the batches its own gateway staged start no ingest afterwards.</item>
/// <item>A commit record newer than the last one seen for its table starts one ingest of that table. While it goes,
/// newer batches of the table wait; the next check after it finishes starts one more ingest for all of them.</item>
/// <item>Batches already staged when watching starts are taken as seen: they are ingested by the next run, or with the
/// next batch of their table.</item>
/// </list>
/// Steps run concurrently across pipelines and tables. A failed step is logged and not retried by itself; the next
/// batch or scheduled run picks its work up.
/// </summary>
public sealed class WatchLoop
{
    private readonly IReadOnlyList<PipelineDefinition> _pipelines;
    private readonly IWatchRunner _runner;
    private readonly IWatchCommitPoller _commits;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WatchOptions _options;
    private readonly Dictionary<string, PipelineWatch> _watches;
    private int _stepsInFlight;

    public WatchLoop(IReadOnlyList<PipelineDefinition> pipelines, IWatchRunner runner, IWatchCommitPoller commits, TimeProvider time, ILogger<WatchLoop> logger, WatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(commits);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options ?? new WatchOptions();
        if (_options.PollInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), _options.PollInterval, "The poll interval must be positive.");
        var duplicate = pipelines.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Pipeline '{duplicate.Key}' is given more than once.", nameof(pipelines));
        // Fails now, naming the pipeline, rather than at the first tick.
        ScheduleDispatch.NextOccurrence(pipelines, time.GetUtcNow());
        _pipelines = pipelines.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        _runner = runner;
        _commits = commits;
        _time = time;
        _logger = logger;
        _watches = _pipelines.ToDictionary(p => p.Name, p => new PipelineWatch(p), StringComparer.Ordinal);
    }

    /// <summary>Steps started and not yet ended.</summary>
    public int StepsInFlight => Volatile.Read(ref _stepsInFlight);

    /// <summary>
    /// Watches until <paramref name="stop"/> is cancelled, then lets the steps in flight finish and returns. Cancelling
    /// <paramref name="abort"/> cancels those steps (committed work stays; the next run continues from it).
    /// </summary>
    public async Task RunAsync(CancellationToken stop, CancellationToken abort)
    {
        var scheduled = _pipelines.Count(p => p.Schedule is not null);
        WatchLog.Started(_logger, _pipelines.Count, scheduled, _options.PollInterval.TotalSeconds);
        try
        {
            var previousTick = _time.GetUtcNow();
            await PollAsync(abort, stop);
            while (await WaitForNextTickAsync(previousTick, stop))
            {
                var now = _time.GetUtcNow();
                foreach (var name in ScheduleDispatch.Due(_pipelines, previousTick, now)) _watches[name].RunDue = true;
                previousTick = now;
                CollectFinishedSteps();
                StartDueRuns(abort);
                await PollAsync(abort, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped while checking the staging areas.
        }

        var inFlight = _watches.Values.SelectMany(w => w.Steps()).Select(s => s.Task).ToList();
        if (inFlight.Count > 0) WatchLog.Stopping(_logger, inFlight.Count);
        await Task.WhenAll(inFlight);
        CollectFinishedSteps();
        WatchLog.Stopped(_logger);
    }

    /// <summary>Waits for the next check of the staging areas or the next schedule occurrence, whichever comes first;
    /// false once stopped.</summary>
    private async Task<bool> WaitForNextTickAsync(DateTimeOffset previousTick, CancellationToken stop)
    {
        var wake = previousTick + _options.PollInterval;
        if (ScheduleDispatch.NextOccurrence(_pipelines, previousTick) is { } occurrence && occurrence < wake) wake = occurrence;
        var delay = wake - _time.GetUtcNow();
        try
        {
            if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }
        return !stop.IsCancellationRequested;
    }

    private void CollectFinishedSteps()
    {
        foreach (var watch in _watches.Values)
        {
            if (watch.Run is { Done: true })
            {
                watch.Run = null;
                // The run staged and ingested batches of its own; what is staged now counts as seen.
                watch.Rebaseline = true;
            }
            foreach (var (table, _) in watch.Ingests.Where(i => i.Value.Done).ToList()) watch.Ingests.Remove(table);
        }
    }

    private void StartDueRuns(CancellationToken abort)
    {
        foreach (var watch in _watches.Values.Where(w => w.RunDue))
        {
            if (watch.Run is not null)
            {
                WatchLog.RunSkippedStillRunning(_logger, watch.Pipeline.Name);
                watch.RunDue = false;
            }
            else if (watch.Ingests.Count > 0)
            {
                if (!watch.RunWaitLogged) WatchLog.RunWaitsForIngests(_logger, watch.Pipeline.Name, watch.Ingests.Count);
                watch.RunWaitLogged = true;
            }
            else
            {
                watch.RunDue = false;
                watch.RunWaitLogged = false;
                var pipeline = watch.Pipeline;
                watch.Run = Start(() => RunPipelineAsync(pipeline, abort));
            }
        }
    }

    private async Task PollAsync(CancellationToken abort, CancellationToken stop)
    {
        foreach (var watch in _watches.Values)
        {
            // A pipeline's run ingests every table itself; what it stages is taken as seen once it has finished.
            if (watch.Run is not null) continue;
            IReadOnlyDictionary<TableId, long> latest;
            try
            {
                // Taking what is staged as seen needs every table: the run may have staged some for the first time.
                latest = await _commits.LatestCommitsAsync(watch.Pipeline, fullListing: watch.Seen is null || watch.Rebaseline, stop);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                WatchLog.PollFailed(_logger, ex, watch.Pipeline.Name, ex.Message);
                continue;
            }

            if (watch.Seen is null || watch.Rebaseline)
            {
                if (watch.Seen is null) WatchLog.BatchesTakenAsSeen(_logger, watch.Pipeline.Name, latest.Count);
                watch.Seen = new Dictionary<TableId, long>(latest);
                watch.Rebaseline = false;
                continue;
            }
            if (watch.RunDue) continue;
            StartIngests(watch, latest, abort);
        }
    }

    private void StartIngests(PipelineWatch watch, IReadOnlyDictionary<TableId, long> latest, CancellationToken abort)
    {
        var seen = watch.Seen!;
        foreach (var table in seen.Keys.Where(t => !latest.ContainsKey(t)).ToList()) seen.Remove(table);
        foreach (var (table, sequence) in latest.OrderBy(l => l.Key))
        {
            var known = seen.GetValueOrDefault(table);
            if (sequence == known) continue;
            if (sequence < known)
            {
                WatchLog.SequenceWentBack(_logger, watch.Pipeline.Name, table, sequence, known);
                seen[table] = sequence;
                continue;
            }
            if (watch.Ingests.ContainsKey(table))
            {
                WatchLog.IngestWaits(_logger, watch.Pipeline.Name, table, sequence);
                continue;
            }
            seen[table] = sequence;
            var pipeline = watch.Pipeline;
            WatchLog.IngestStarting(_logger, pipeline.Name, table, sequence);
            watch.Ingests[table] = Start(() => IngestTableAsync(pipeline, table, abort));
        }
    }

    /// <summary>Runs a step off the loop's own flow (a step may work synchronously before its first await).</summary>
    private Step Start(Func<Task> body)
    {
        var step = new Step();
        Interlocked.Increment(ref _stepsInFlight);
        step.Task = Task.Run(async () =>
        {
            try
            {
                await body();
            }
            finally
            {
                step.Done = true;
                Interlocked.Decrement(ref _stepsInFlight);
            }
        }, CancellationToken.None);
        return step;
    }

    // Never throws: every ending is logged here, so the loop only has to notice that the step is over.
    private async Task RunPipelineAsync(PipelineDefinition pipeline, CancellationToken abort)
    {
        WatchLog.RunStarting(_logger, pipeline.Name);
        try
        {
            var result = await _runner.RunPipelineAsync(pipeline, abort);
            switch (result.Outcome)
            {
                case RunSummaryOutcome.Succeeded:
                    WatchLog.RunFinished(_logger, pipeline.Name, result.RunId, result.Outcome);
                    break;
                case RunSummaryOutcome.Refused:
                    WatchLog.RunSkippedBusy(_logger, pipeline.Name, result.Error ?? "refused");
                    break;
                default:
                    WatchLog.RunFinishedWithFailures(_logger, pipeline.Name, result.RunId, result.Outcome, Describe(result));
                    break;
            }
        }
        catch (Exception ex) when (ex is PipelineBusyException or BudgetExceededException)
        {
            WatchLog.RunSkippedBusy(_logger, pipeline.Name, ex.Message);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            WatchLog.StepAborted(_logger, pipeline.Name, "scheduled run");
        }
        catch (Exception ex)
        {
            WatchLog.RunFailed(_logger, ex, pipeline.Name, ex.Message);
        }
    }

    private async Task IngestTableAsync(PipelineDefinition pipeline, TableId table, CancellationToken abort)
    {
        try
        {
            var result = await _runner.IngestTableAsync(pipeline, table, abort);
            switch (result.Outcome)
            {
                case RunSummaryOutcome.Succeeded:
                    WatchLog.IngestFinished(_logger, pipeline.Name, table, result.RunId, result.Outcome);
                    break;
                case RunSummaryOutcome.Refused:
                    WatchLog.IngestSkippedBusy(_logger, pipeline.Name, table, result.Error ?? "refused");
                    break;
                default:
                    WatchLog.IngestFinishedWithFailures(_logger, pipeline.Name, table, result.RunId, result.Outcome, result.Error ?? Describe(result));
                    break;
            }
        }
        catch (Exception ex) when (ex is PipelineBusyException or BudgetExceededException)
        {
            WatchLog.IngestSkippedBusy(_logger, pipeline.Name, table, ex.Message);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            WatchLog.StepAborted(_logger, pipeline.Name, $"ingest of {table}");
        }
        catch (Exception ex)
        {
            WatchLog.IngestFailed(_logger, ex, pipeline.Name, table, ex.Message);
        }
    }

    private static string Describe(WatchStepResult result) =>
        result.FailedTables.Count > 0 ? string.Join(", ", result.FailedTables) : result.Error ?? "no reason given";

    /// <summary>What the loop knows of one pipeline. Touched only by the loop itself, never by its steps.</summary>
    private sealed class PipelineWatch(PipelineDefinition pipeline)
    {
        public PipelineDefinition Pipeline { get; } = pipeline;

        /// <summary>Newest sequence seen per table; null until the first check.</summary>
        public Dictionary<TableId, long>? Seen { get; set; }

        public bool Rebaseline { get; set; }

        public bool RunDue { get; set; }

        public bool RunWaitLogged { get; set; }

        public Step? Run { get; set; }

        public Dictionary<TableId, Step> Ingests { get; } = [];

        public IEnumerable<Step> Steps() => Run is null ? Ingests.Values : Ingests.Values.Append(Run);
    }

    /// <summary>A step in flight. <see cref="Done"/> is set as its last act, so the loop sees it ended as soon as
    /// <see cref="StepsInFlight"/> counts it out.</summary>
    private sealed class Step
    {
        private volatile bool _done;

        public Task Task { get; set; } = Task.CompletedTask;

        public bool Done
        {
            get => _done;
            set => _done = value;
        }
    }
}
