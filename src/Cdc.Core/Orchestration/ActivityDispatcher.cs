using System.Text.Json;

namespace Cdc.Core.Orchestration;

/// <summary>Calls <see cref="PipelineActivities"/> by activity name. Inputs and results cross as JSON (web defaults),
/// as they do under Durable Functions, so what would not survive that fails in process too.</summary>
internal static class ActivityDispatcher
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Func<string, object, CancellationToken, Task<object?>> For(PipelineActivities activities)
    {
        ArgumentNullException.ThrowIfNull(activities);
        return (name, input, ct) => name switch
        {
            ActivityNames.Plan => CallAsync<PipelineRunInput, RunPlan>(input, activities.PlanAsync, ct),
            ActivityNames.Snapshot => CallAsync<TableStepInput, TableStepResult>(input, activities.SnapshotTableAsync, ct),
            ActivityNames.Capture => CallAsync<CaptureStepInput, CaptureStepResult>(input, activities.CaptureChangesAsync, ct),
            ActivityNames.Ingest => CallAsync<TableStepInput, TableStepResult>(input, activities.IngestTableAsync, ct),
            ActivityNames.Finish => CallAsync<FinishRunInput, RunSummary>(input, activities.FinishRunAsync, ct),
            ActivityNames.Notify => NotifyAsync(activities, input, ct),
            _ => throw new ArgumentException($"There is no activity named '{name}'.", nameof(name)),
        };
    }

    private static async Task<object?> CallAsync<TInput, TResult>(object input, Func<TInput, CancellationToken, Task<TResult>> activity, CancellationToken ct) =>
        RoundTrip(await activity(RoundTrip((TInput)input), ct));

    private static async Task<object?> NotifyAsync(PipelineActivities activities, object input, CancellationToken ct)
    {
        await activities.NotifyAsync(RoundTrip((RunSummary)input), ct);
        return null;
    }

    private static T RoundTrip<T>(T value) =>
        JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(value, Json), Json)
        ?? throw new InvalidOperationException($"A {typeof(T).Name} did not survive JSON serialization.");
}
