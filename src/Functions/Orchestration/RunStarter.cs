using Cdc.Core.Runs;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Ingest.Functions.Orchestration;

/// <summary>An orchestration to start under a fixed instance id.</summary>
public sealed record RunStart(string Orchestrator, string InstanceId, string Pipeline, string RunId, RunTrigger Trigger, object Input);

/// <summary>The run that holds an instance id: it is pending, running or suspended.</summary>
public sealed record RunHolder(string InstanceId, string RunId, string Status, DateTimeOffset Since);

/// <summary>
/// Starts orchestrations under their fixed instance ids (<c>OrchestrationInstanceIds</c>) unless that instance is
/// still in flight, so runs of a pipeline, and ingests of a table, never overlap. The check before starting gives a
/// clear answer in the common case; the task hub's own refusal (host.json <c>overridableExistingInstanceStates:
/// NonRunningStates</c>) settles the race of two starters that both found the id free.
/// </summary>
public sealed class RunStarter(ILogger<RunStarter> logger)
{
    /// <returns>Null when the orchestration was scheduled; otherwise the run holding the instance id.</returns>
    public async Task<RunHolder?> StartAsync(DurableTaskClient client, RunStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(start);
        var holder = await HolderAsync(client, start.InstanceId, cancellationToken);
        if (holder is null)
        {
            try
            {
                await client.ScheduleNewOrchestrationInstanceAsync(start.Orchestrator, start.Input, new StartOrchestrationOptions(start.InstanceId), cancellationToken);
                FunctionsLog.RunStarted(logger, start.Orchestrator, start.Pipeline, start.RunId, start.InstanceId, start.Trigger);
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Another starter won the race; the task hub refused to replace its instance.
                holder = await HolderAsync(client, start.InstanceId, cancellationToken);
                if (holder is null)
                {
                    FunctionsLog.StartFailed(logger, e, start.InstanceId);
                    throw;
                }
            }
        }
        FunctionsLog.RunSkippedBusy(logger, start.Orchestrator, start.Pipeline, start.Trigger, holder.InstanceId, holder.Status, holder.RunId, holder.Since);
        return holder;
    }

    /// <summary>The run holding <paramref name="instanceId"/>, or null when no instance of it is in flight.</summary>
    public static async Task<RunHolder?> HolderAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (instance is null || !InFlight(instance.RuntimeStatus)) return null;
        return new RunHolder(instanceId, RunIdOf(instance) ?? "(unknown)", instance.RuntimeStatus.ToString(), instance.CreatedAt);
    }

    /// <summary>The run id in an instance's input (fetched with inputs), or null when it carries none.</summary>
    public static string? RunIdOf(OrchestrationMetadata instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance.SerializedInput is null ? null : instance.ReadInputAs<RunIdentity>()?.RunId;
    }

    /// <summary>States in which the task hub refuses a new instance under the same id.</summary>
    public static bool InFlight(OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended;

    /// <summary>The part every orchestration input shares (PipelineRunInput, TableIngestInput).</summary>
    private sealed record RunIdentity(string? RunId);
}
