namespace Cdc.Core.Metering;

/// <summary>Where a host sends each run's usage records and alerts besides the ledger; the Functions app's Event Hubs
/// output implements it with <see cref="UsageJson.EventBodies"/>. A failing sink is logged and never fails the run.</summary>
public interface IUsageSink
{
    Task PublishAsync(IReadOnlyList<UsageRecord> records, IReadOnlyList<BudgetAlert> alerts, CancellationToken cancellationToken);
}
