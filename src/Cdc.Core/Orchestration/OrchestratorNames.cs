namespace Cdc.Core.Orchestration;

/// <summary>The orchestrations' names: the Functions app's orchestrator function names.</summary>
public static class OrchestratorNames
{
    /// <summary><see cref="PipelineOrchestration.RunAsync"/>: a whole run of a pipeline.</summary>
    public const string Pipeline = "PipelineOrchestrator";

    /// <summary><see cref="PipelineOrchestration.IngestTableAsync"/>: one table's newly staged batches.</summary>
    public const string TableIngest = "TableIngestOrchestrator";
}
