using Cdc.Core.Runs;

namespace Cdc.Core.Metering;

/// <summary>Reported to the run's progress (and written to its event log) when the run pushed a budget over a threshold.</summary>
public sealed record BudgetAlertRaised(string RunId, DateTimeOffset At, BudgetAlert Alert) : RunEvent(RunId, At);
