namespace Ingest.Functions.Hosting;

/// <summary>The app settings the app reads, spelled as they are set on the Functions app (and in
/// local.settings.json), for messages that tell an operator exactly which setting to fix.</summary>
public static class SettingNames
{
    public const string StagingAccountUrl = "Ingest__StagingAccountUrl";
    public const string StagingContainer = "Ingest__StagingContainer";
    public const string PipelinesPath = "Ingest__PipelinesPath";
    public const string DefaultTagPrefix = "Ingest__DefaultTags__";
    public const string UsageEventHub = "Ingest__UsageEventHub";
    public const string PublishUsageEvents = "Ingest__PublishUsageEvents";
    public const string EventHubsNamespace = "EventHubs__fullyQualifiedNamespace";
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The configuration key (<c>a:b</c>) of an app setting name (<c>a__b</c>).</summary>
    public static string Key(string setting) => setting.Replace("__", ":", StringComparison.Ordinal);
}
