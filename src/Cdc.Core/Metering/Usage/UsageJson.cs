using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cdc.Core.Staging.Json;

namespace Cdc.Core.Metering;

/// <summary>
/// The stable JSON form of usage records and budget alerts: snake_case names in declaration order, enums as
/// snake_case words, tables as <c>{"schema", "name"}</c>, times as ISO 8601 with offset, money as JSON numbers.
/// The Functions app sends exactly these documents to Event Hubs, one event each; <c>record_type</c> tells them apart.
/// </summary>
public static class UsageJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(UsageRecord record) => JsonSerializer.Serialize(record, Options);

    public static string Serialize(BudgetAlert alert) => JsonSerializer.Serialize(alert, Options);

    public static UsageRecord DeserializeRecord(string json) =>
        JsonSerializer.Deserialize<UsageRecord>(json, Options) ?? throw new JsonException("A usage record cannot be null.");

    public static BudgetAlert DeserializeAlert(string json) =>
        JsonSerializer.Deserialize<BudgetAlert>(json, Options) ?? throw new JsonException("A budget alert cannot be null.");

    /// <summary>One event body per record and alert, in that order: what an Event Hubs output receives.</summary>
    public static IReadOnlyList<string> EventBodies(IEnumerable<UsageRecord> records, IEnumerable<BudgetAlert> alerts)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(alerts);
        return [.. records.Select(Serialize), .. alerts.Select(Serialize)];
    }

    /// <summary>The records and alerts of event bodies <see cref="EventBodies"/> made, told apart by <c>record_type</c>.</summary>
    public static (IReadOnlyList<UsageRecord> Records, IReadOnlyList<BudgetAlert> Alerts) ReadEventBodies(IEnumerable<string> bodies)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        var records = new List<UsageRecord>();
        var alerts = new List<BudgetAlert>();
        foreach (var body in bodies)
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.GetProperty("record_type").GetString() == "budget_alert") alerts.Add(DeserializeAlert(body));
            else records.Add(DeserializeRecord(body));
        }
        return (records, alerts);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            WriteIndented = false,
            // Never embedded in HTML: keep quotes and non-ASCII text readable for the people querying it.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new TableIdJsonConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
