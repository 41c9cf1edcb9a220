using Cdc.Core.Metering;
using Cdc.Core.Model;
using Cdc.Core.Runs;

namespace Cdc.Core.Tests.Metering;

/// <summary>A clock tests move by hand.</summary>
internal sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

internal static class MeteringTestKit
{
    public static readonly IReadOnlyDictionary<string, string> TeamTags = new Dictionary<string, string> { ["team"] = "data-platform" };

    /// <summary>A run record with the given cost quantities, priced with <paramref name="prices"/> at its start.</summary>
    public static UsageRecord RunRecord(
        string pipeline, string runId, DateTimeOffset start, double gbSeconds = 0, long writes = 0, long executions = 1,
        IReadOnlyDictionary<string, string>? tags = null, PriceList? prices = null, MeteringSettings? settings = null)
    {
        var record = new UsageRecord
        {
            Pipeline = pipeline,
            RunId = runId,
            Trigger = RunTrigger.Schedule,
            Step = UsageStep.Run,
            Start = start,
            End = start.AddSeconds(gbSeconds / 2),
            Outcome = "succeeded",
            ComputeSeconds = gbSeconds / 2,
            MemoryMb = 2048,
            MemoryGbSeconds = gbSeconds,
            Executions = executions,
            StorageOperations = new StorageOperations(writes, 0, 0, 0, 0, 0),
            Cost = CostEstimate.Zero("USD"),
            Tags = tags ?? TeamTags,
        };
        return record with { Cost = CostEstimator.Estimate(record, settings ?? new MeteringSettings(), prices ?? PriceList.Default) };
    }

    /// <summary>A record that costs exactly <paramref name="cost"/> USD under <see cref="FlatPrices"/>.</summary>
    public static UsageRecord CostingRecord(string pipeline, string runId, DateTimeOffset start, decimal cost, IReadOnlyDictionary<string, string>? tags = null) =>
        RunRecord(pipeline, runId, start, gbSeconds: (double)cost, executions: 0, tags: tags, prices: FlatPrices);

    /// <summary>One USD per GB-second and nothing else: costs equal GB-seconds.</summary>
    public static PriceList FlatPrices { get; } = new("USD",
        [new PriceEntry(Skus.FunctionsExecutionTime, "GB-second", 1m, 1m, DateTimeOffset.UnixEpoch)], "test prices");

    public static TableId Items { get; } = new("public", "items");
}
