namespace Cdc.Core.Orchestration;

/// <summary>The activities' names: the Functions app's activity function names.</summary>
public static class ActivityNames
{
    public const string Plan = "PlanRun";
    public const string Snapshot = "SnapshotTable";
    public const string Capture = "CaptureChanges";
    public const string Ingest = "IngestTable";
    public const string Finish = "FinishRun";
    public const string Notify = "NotifyRun";
}
