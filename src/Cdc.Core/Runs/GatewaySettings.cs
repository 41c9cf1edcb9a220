namespace Cdc.Core.Runs;

public sealed record GatewaySettings(int Parallelism, int SnapshotChunkRows, int MaxBatchRows)
{
    public static GatewaySettings From(Pipeline.RunSettings run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new(run.Parallelism, run.SnapshotChunkRows, run.MaxBatchRows);
    }
}
