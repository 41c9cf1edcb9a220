using Cdc.Core.Pipeline;

namespace Cdc.Core.Runs;

/// <param name="OnRetentionGap">What a table whose changes are no longer available from its position gets.</param>
public sealed record GatewaySettings(int Parallelism, int SnapshotChunkRows, int MaxBatchRows, RetentionGapPolicy OnRetentionGap = RetentionGapPolicy.Resnapshot)
{
    public static GatewaySettings From(PipelineDefinition pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return new(pipeline.Run.Parallelism, pipeline.Run.SnapshotChunkRows, pipeline.Run.MaxBatchRows, pipeline.Source.OnRetentionGap);
    }
}
