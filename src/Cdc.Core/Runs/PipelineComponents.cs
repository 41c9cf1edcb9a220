using Cdc.Core.Sources;
using Cdc.Core.Staging;
using Cdc.Core.State;
using Cdc.Core.Targets;

namespace Cdc.Core.Runs;

/// <summary>Everything a run talks to. Built from a pipeline definition by <see cref="PipelineComponentsFactory"/>,
/// or by hand in tests to put fakes or fault injectors in between.</summary>
public sealed record PipelineComponents(
    IStagingArea Staging,
    IGatewayStateStore States,
    IPipelineLease Lease,
    RunHistory History,
    Func<ISourceConnector> CreateSource,
    Func<ITargetWriter> CreateTarget);
