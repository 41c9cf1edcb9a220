using System.Text.Json;
using Cdc.Core.Model;
using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;

namespace Cdc.Core.Tests.Orchestration;

/// <summary>One activity call an orchestration made: its name, its input (and as JSON, to compare across runs).</summary>
internal sealed record ActivityCall(int Index, string Activity, object Input, string InputJson)
{
    public override string ToString() => $"{Activity} {InputJson}";
}

/// <summary>
/// An orchestration context whose activities the test answers (a completed task, a failure, or a task the test
/// completes later). It records every call in the order made and how many of each activity were in flight at most.
/// </summary>
internal sealed class ScriptedContext(Func<ActivityCall, Task<object?>> answer) : IOrchestrationContext
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _inFlight = [];
    private readonly Dictionary<string, int> _maxInFlight = [];
    private readonly SemaphoreSlim _called = new(0);

    public DateTimeOffset CurrentUtcDateTime { get; } = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public bool IsReplaying => false;

    public List<ActivityCall> Calls { get; } = [];

    /// <summary>What each call returned (or the exception it failed with), by call index.</summary>
    public Dictionary<int, object?> Outcomes { get; } = [];

    public List<ActivityRetry> Retries { get; } = [];

    public int MaxInFlight(string activity)
    {
        lock (_gate) return _maxInFlight.GetValueOrDefault(activity);
    }

    public IReadOnlyList<ActivityCall> CallsOf(string activity)
    {
        lock (_gate) return [.. Calls.Where(c => c.Activity == activity)];
    }

    /// <summary>Waits (bounded, so a broken orchestration fails instead of hanging) until <paramref name="count"/> calls were made.</summary>
    public async Task WaitForCallsAsync(int count)
    {
        while (true)
        {
            lock (_gate)
                if (Calls.Count >= count) return;
            if (!await _called.WaitAsync(TimeSpan.FromSeconds(30))) throw new TimeoutException($"The orchestration made {Calls.Count} calls, not {count}.");
        }
    }

    public async Task<TResult> CallActivityAsync<TResult>(string activityName, object input, ActivityRetry retry)
    {
        ActivityCall call;
        lock (_gate)
        {
            call = new ActivityCall(Calls.Count, activityName, input, JsonSerializer.Serialize(input, input.GetType(), Json));
            Calls.Add(call);
            Retries.Add(retry);
            var now = _inFlight.GetValueOrDefault(activityName) + 1;
            _inFlight[activityName] = now;
            _maxInFlight[activityName] = Math.Max(now, _maxInFlight.GetValueOrDefault(activityName));
        }
        _called.Release();
        try
        {
            var result = await answer(call);
            lock (_gate) Outcomes[call.Index] = result;
            return (TResult)result!;
        }
        catch (Exception ex)
        {
            lock (_gate) Outcomes[call.Index] = ex;
            throw;
        }
        finally
        {
            lock (_gate) _inFlight[activityName]--;
        }
    }
}

/// <summary>Answers each call with what a recorded run's call of the same index got, after checking that the call is
/// the same one: Durable's replay of an orchestration over its history.</summary>
internal sealed class ReplayContext(IReadOnlyList<ActivityCall> recorded, IReadOnlyDictionary<int, object?> outcomes, DateTimeOffset now) : IOrchestrationContext
{
    public DateTimeOffset CurrentUtcDateTime => now;

    public bool IsReplaying => true;

    public List<string> Calls { get; } = [];

    public Task<TResult> CallActivityAsync<TResult>(string activityName, object input, ActivityRetry retry)
    {
        var index = Calls.Count;
        var call = $"{activityName} {JsonSerializer.Serialize(input, input.GetType(), ScriptedContext.Json)}";
        Calls.Add(call);
        if (index >= recorded.Count) throw new InvalidOperationException($"Replay made call {index} ({call}), which the history does not have.");
        if (recorded[index].ToString() != call)
            throw new InvalidOperationException($"Replay made call {index} as {call}, but the history has {recorded[index]}: the orchestration is not deterministic.");
        return outcomes[index] is Exception failure ? Task.FromException<TResult>(failure) : Task.FromResult((TResult)outcomes[index]!);
    }
}

/// <summary>Ready-made activity results for orchestration tests.</summary>
internal static class Scripted
{
    public static readonly PipelineDefinition Pipeline = new()
    {
        Name = "orch",
        Source = new SourceDefinition { Kind = SourceKind.Postgres, Connection = "unused" },
        Objects = [new ObjectDefinition { Schema = "public", Table = null }],
        Staging = new StagingDefinition { Location = "unused" },
        Destination = new DestinationDefinition { Kind = DestinationKind.Postgres, Connection = "unused", Schema = "mirror" },
    };

    public static PipelineRunInput Input(string runId = "run-1") => new("orch", runId, RunTrigger.Manual, [], null, null);

    public static RunPlan Plan(IReadOnlyList<string> tables, int parallelism = 2, IReadOnlyList<string>? snapshot = null, IReadOnlyList<string>? ingest = null,
        IReadOnlyList<TableError>? failed = null, bool capture = true) =>
        new("orch", "run-1", RunTrigger.Manual, new DateTimeOffset(2026, 3, 1, 12, 0, 1, TimeSpan.Zero), parallelism, 600,
            tables, snapshot ?? tables, capture, ingest ?? tables, failed ?? [], null, null);

    public static TableStepResult Staged(string table, long rows = 10) => new(table, rows, 1, rows * 10, [], null, null);

    public static TableStepResult Applied(string table, long rows = 10) =>
        new(table, 0, 0, 0, [new FlowStepResult("mirror", TableId.Parse(table).Name, 1, false, 1, rows, rows, 0, 0, 7, null)], null, null);

    public static CaptureStepResult Captured(IEnumerable<string> tables) => new([.. tables.Select(t => Staged(t, 2))], null, null);

    /// <summary>What FinishRun would return, put together by the real assembler from what it was given.</summary>
    public static RunSummary Finish(FinishRunInput input)
    {
        var started = input.Plan?.StartedAt ?? input.RequestedAt;
        var run = RunResultAssembler.Assemble(Pipeline with { Name = input.Pipeline }, input, started, started.AddMinutes(1));
        var outcome = run.Outcome switch
        {
            RunOutcome.Succeeded => RunSummaryOutcome.Succeeded,
            RunOutcome.PartiallyFailed => RunSummaryOutcome.PartiallyFailed,
            _ => RunSummaryOutcome.Failed,
        };
        return new RunSummary(input.Pipeline, input.RunId, input.Trigger, outcome, started, run.FinishedAt, [.. run.FailedTables.Select(TableText.Format)], run.Error, run, []);
    }

    /// <summary>Answers every activity successfully from <paramref name="plan"/>; <paramref name="special"/> answers
    /// the calls it returns a task for.</summary>
    public static Func<ActivityCall, Task<object?>> Answers(RunPlan plan, Func<ActivityCall, Task<object?>?>? special = null) => call =>
        special?.Invoke(call) ?? Task.FromResult<object?>(call.Activity switch
        {
            ActivityNames.Plan => plan,
            ActivityNames.Snapshot => Staged(((TableStepInput)call.Input).Table),
            ActivityNames.Capture => Captured(((CaptureStepInput)call.Input).Tables),
            ActivityNames.Ingest => Applied(((TableStepInput)call.Input).Table),
            ActivityNames.Finish => Finish((FinishRunInput)call.Input),
            ActivityNames.Notify => null,
            _ => throw new InvalidOperationException($"unexpected activity {call.Activity}"),
        });

    public static ActivityFailedException Failure<TException>(string activity, string message)
        where TException : Exception => new(activity, typeof(TException).FullName!, message);
}
