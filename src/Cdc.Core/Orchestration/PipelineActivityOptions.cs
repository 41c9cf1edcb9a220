using Cdc.Core.Metering;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;

namespace Cdc.Core.Orchestration;

/// <summary>How <see cref="PipelineActivities"/> build and meter what they run.</summary>
public sealed record PipelineActivityOptions
{
    public static TimeSpan DefaultLeaseDuration { get; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a run's lease lasts without renewal. Every activity renews it, so it only has to outlast the
    /// pause between two activities (queueing, retry backoff); a run that dies blocks the next one at most this long.</summary>
    public TimeSpan LeaseDuration { get; init; } = DefaultLeaseDuration;

    /// <summary>Builds a pipeline's components with the given overrides applied (metering wrappers and the clock; a
    /// seam for tests that inject faults). <see cref="PipelineComponentsFactory.Create"/> when null.</summary>
    public Func<PipelineDefinition, ComponentOverrides, PipelineComponents>? Components { get; init; }

    /// <summary>The metering of a pipeline's runs; null runs them unmetered (no usage records, budgets or event log).</summary>
    public Func<PipelineDefinition, MeteringContext>? Metering { get; init; }

    /// <summary>Receives the runs' events as they happen (the CLI prints them); the event log gets them either way.</summary>
    public IProgress<RunEvent>? Progress { get; init; }
}
