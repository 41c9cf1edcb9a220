namespace Cdc.Core.Metering;

/// <summary>
/// The built-in price list: pay-as-you-go list prices in USD for one region (East US, LRS, hot tier) as published
/// when it was written. They are estimates to attribute spend, not an invoice: put the prices your agreement and
/// region have in a price list file (samples/price-list.json) and point <see cref="MeteringEnvironment.PriceList"/> at it.
/// Free grants (Flex Consumption's monthly GB-seconds and executions) are not subtracted.
/// </summary>
internal static class DefaultPriceList
{
    public const string Json = """
        {
          "currency": "USD",
          "prices": [
            { "sku": "functions.flex.on_demand.execution_time", "unit": "GB-second", "price": 0.000026, "per": 1,
              "effective_from": "2024-11-01", "description": "Azure Functions Flex Consumption, on-demand execution time" },
            { "sku": "functions.flex.on_demand.executions", "unit": "execution", "price": 0.40, "per": 1000000,
              "effective_from": "2024-11-01", "description": "Azure Functions Flex Consumption, on-demand executions" },
            { "sku": "storage.blob.hot.write_operations", "unit": "operation", "price": 0.05, "per": 10000,
              "effective_from": "2024-01-01", "description": "Blob Storage hot LRS, write operations" },
            { "sku": "storage.blob.hot.read_operations", "unit": "operation", "price": 0.004, "per": 10000,
              "effective_from": "2024-01-01", "description": "Blob Storage hot LRS, read operations" },
            { "sku": "storage.blob.hot.list_operations", "unit": "operation", "price": 0.05, "per": 10000,
              "effective_from": "2024-01-01", "description": "Blob Storage hot LRS, list and create container operations" },
            { "sku": "storage.blob.hot.data_stored", "unit": "GB-month", "price": 0.018, "per": 1,
              "effective_from": "2024-01-01", "description": "Blob Storage hot LRS, data stored (first 50 TB)" },
            { "sku": "event_hubs.standard.ingress_events", "unit": "event", "price": 0.028, "per": 1000000,
              "effective_from": "2024-01-01", "description": "Event Hubs Standard, ingress events" }
          ]
        }
        """;
}
