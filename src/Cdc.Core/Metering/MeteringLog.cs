using Microsoft.Extensions.Logging;

namespace Cdc.Core.Metering;

/// <summary>Log events of metering, budgets and the event log. Event ids are stable (5000-5099).</summary>
internal static partial class MeteringLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Run {RunId} of {Pipeline} used {ComputeSeconds:0.0} s ({GbSeconds:0.0} GB-s), {StorageOperations} storage operations: estimated {Cost} {Currency}")]
    public static partial void UsageRecorded(ILogger logger, string runId, string pipeline, double computeSeconds, double gbSeconds, long storageOperations, decimal cost, string currency);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "{Message} (run {RunId} of {Pipeline})")]
    public static partial void BudgetAlert(ILogger logger, string message, string runId, string pipeline);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "{Message}")]
    public static partial void RunRefused(ILogger logger, string message);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Usage of run {RunId} could not be written to the ledger in {Store}")]
    public static partial void LedgerWriteFailed(ILogger logger, Exception exception, string runId, string store);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "The event log of run {RunId} could not be written")]
    public static partial void EventLogWriteFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "Usage sink {Sink} failed for run {RunId}")]
    public static partial void SinkFailed(ILogger logger, Exception exception, string sink, string runId);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Run {RunId} is already in the usage ledger at {Path}; the first record is kept")]
    public static partial void RunAlreadyInLedger(ILogger logger, string runId, string path);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Usage ledger day {Folder} rolled up ({Files} run files)")]
    public static partial void RollupWritten(ILogger logger, string folder, int files);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "Budget '{Budget}' is declared in {Pipeline} and in {DeploymentFile}; the deployment's declaration is used")]
    public static partial void BudgetShadowed(ILogger logger, string budget, string pipeline, string deploymentFile);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Error, Message = "Budgets could not be evaluated after run {RunId}")]
    public static partial void BudgetEvaluationFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Debug, Message = "Alert state of budget '{Budget}' for {Period} changed under run {RunId}; reading it again")]
    public static partial void AlertStateConflict(ILogger logger, string budget, string period, string runId);
}
