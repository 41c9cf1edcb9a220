namespace Ingest.Functions.Hosting;

/// <summary>
/// The app's own settings, bound from the configuration section <c>Ingest</c>: app settings spelled
/// <c>Ingest__&lt;Name&gt;</c> (docs/functions.md lists them). Validated when the app starts, see
/// <see cref="IngestOptionsValidation"/>.
/// </summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Blob endpoint of the staging account (<c>https://&lt;account&gt;.blob.core.windows.net/</c>). Pipeline
    /// files reach it as <c>${env:Ingest__StagingAccountUrl}</c>; optional.</summary>
    public string? StagingAccountUrl { get; set; }

    /// <summary>The staging container whose commit records the blob-arrival function reacts to.</summary>
    public string? StagingContainer { get; set; }

    /// <summary>Folder of pipeline YAML files; relative paths are taken from the deployed package's folder.</summary>
    public string? PipelinesPath { get; set; }

    /// <summary>Deployment-wide budget tags merged under every pipeline's tags (<c>Ingest__DefaultTags__&lt;key&gt;</c>).</summary>
    public Dictionary<string, string> DefaultTags { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The Event Hub usage records and budget alerts are sent to (connection <c>EventHubs</c>).</summary>
    public string? UsageEventHub { get; set; }

    /// <summary>False keeps usage records and alerts out of Event Hubs (local runs without a namespace); the ledger
    /// in the staging area still gets them.</summary>
    public bool PublishUsageEvents { get; set; } = true;

    /// <summary><see cref="PipelinesPath"/> as an absolute path.</summary>
    public string PipelinesFolder => Path.GetFullPath(PipelinesPath ?? "", AppContext.BaseDirectory);
}
