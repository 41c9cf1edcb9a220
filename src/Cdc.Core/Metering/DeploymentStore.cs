using Cdc.Core.Pipeline;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;

namespace Cdc.Core.Metering;

/// <summary>
/// The store the usage ledger and budget alert state live in: the folder <see cref="Prefix"/> at the root of a
/// pipeline's staging location (beside the pipelines' own prefixes). Pipelines staging to the same location (folder,
/// or container and folder) share one ledger, which is what lets a budget add up spend across pipelines.
/// Pipeline names cannot start with '_', so the folder never collides with a pipeline's default prefix.
/// </summary>
public static class DeploymentStore
{
    public const string Prefix = "_ingest";

    public static IStagingStore Open(StagingDefinition staging, string pipelineName)
    {
        ArgumentNullException.ThrowIfNull(staging);
        return StagingStoreFactory.Create(staging with { Prefix = Prefix }, pipelineName);
    }
}
