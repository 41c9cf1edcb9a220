using Microsoft.Azure.Functions.Worker;

namespace Ingest.Functions.Usage;

/// <summary>Input of the PublishUsage activity: a finished run's usage events (<c>RunSummary.UsageEvents</c>).</summary>
public sealed record UsagePublication(string RunId, string[] Events);

/// <summary>The Event Hubs output: one event per usage record and budget alert.</summary>
public sealed class UsageEventsOutput
{
    /// <summary>Hub from the app setting <c>Ingest__UsageEventHub</c>; identity-based connection <c>EventHubs</c>
    /// (<c>EventHubs__fullyQualifiedNamespace</c>, <c>EventHubs__credential</c>, <c>EventHubs__clientId</c>).</summary>
    [EventHubOutput("%Ingest:UsageEventHub%", Connection = "EventHubs")]
    public string[] Events { get; init; } = [];
}

/// <summary>
/// Sends a finished run's usage records and budget alerts to Event Hubs as the JSON documents of <c>UsageJson</c>,
/// one event each. FinishRun cannot do it itself: a Durable activity's return value is its result for the
/// orchestration, and an output binding beside it would take that value over. So FinishRun returns the events in its
/// summary and the orchestration hands them to this activity right after (<c>DurableOrchestrationContext</c>). A
/// failure here is logged and never fails the run: the usage ledger in the staging area already holds the records.
/// </summary>
public static class UsagePublishing
{
    public const string ActivityName = "PublishUsage";

    [Function(ActivityName)]
    public static UsageEventsOutput Publish([ActivityTrigger] UsagePublication publication)
    {
        ArgumentNullException.ThrowIfNull(publication);
        return new UsageEventsOutput { Events = publication.Events };
    }
}
