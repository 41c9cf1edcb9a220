namespace Cdc.Core.Metering;

/// <summary>The SKUs a usage record is priced with; a price list names its prices by these.</summary>
public static class Skus
{
    /// <summary>Flex Consumption on-demand execution time, per GB-second of instance memory.</summary>
    public const string FunctionsExecutionTime = "functions.flex.on_demand.execution_time";

    /// <summary>Flex Consumption on-demand executions.</summary>
    public const string FunctionsExecutions = "functions.flex.on_demand.executions";

    /// <summary>Blob write-class operations (put blob, put block, copy).</summary>
    public const string StorageWriteOperations = "storage.blob.hot.write_operations";

    /// <summary>Blob read-class operations (get blob).</summary>
    public const string StorageReadOperations = "storage.blob.hot.read_operations";

    /// <summary>Blob list and create-container operations.</summary>
    public const string StorageListOperations = "storage.blob.hot.list_operations";

    /// <summary>Blob data stored, per GB-month.</summary>
    public const string StorageDataStored = "storage.blob.hot.data_stored";

    /// <summary>Event Hubs ingress events (usage records and alerts sent by the Functions app).</summary>
    public const string EventHubsIngressEvents = "event_hubs.standard.ingress_events";

    public static IReadOnlyList<string> All { get; } =
    [
        FunctionsExecutionTime, FunctionsExecutions, StorageWriteOperations, StorageReadOperations, StorageListOperations,
        StorageDataStored, EventHubsIngressEvents,
    ];
}
