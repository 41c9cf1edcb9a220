using Cdc.Core.Model;
using Cdc.Core.Runs;

namespace Cdc.Core.Metering;

/// <summary>What the usage records need to know about the run besides what its activities counted.</summary>
internal sealed record RunFacts(
    string Pipeline,
    string RunId,
    RunTrigger Trigger,
    DateTimeOffset Start,
    DateTimeOffset End,
    string Outcome,
    double WallSeconds,
    double CpuSeconds,
    IReadOnlySet<(TableId Table, UsageStep Step)> FailedSteps);
