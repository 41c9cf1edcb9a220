using System.Net;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using Cdc.Core.Pipeline;

namespace Cdc.Core.Staging.Stores;

/// <summary>
/// Turns a pipeline's <c>staging</c> settings into the store its staging area lives in, rooted at the pipeline's
/// prefix (<c>staging.prefix</c>, by default the pipeline name). <c>staging.location</c> is told apart by
/// <see cref="StagingLocation"/>, the same rules the pipeline loader checks:
/// <list type="bullet">
/// <item>a local folder, absolute or relative to the current directory;</item>
/// <item><c>UseDevelopmentStorage=true</c>: Azurite on 127.0.0.1:10000, container <c>staging.container</c>;</item>
/// <item>an Azure Storage connection string, container <c>staging.container</c>;</item>
/// <item>a container URL <c>https://account.blob.core.windows.net/container[/folder]</c>, signed in with
/// DefaultAzureCredential (or with the SAS token in its query, when it carries one); an emulator URL
/// <c>http://127.0.0.1:10000/devstoreaccount1/container</c> uses the emulator's well-known key.</item>
/// </list>
/// A folder in the URL comes before the prefix: <c>.../container/base</c> with prefix <c>orders</c> is <c>base/orders</c>.
/// </summary>
public static class StagingStoreFactory
{
    private const string EmulatorAccount = "devstoreaccount1";

    /// <summary>The emulator's published development key (not a secret).</summary>
    private const string EmulatorKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static IStagingStore Create(StagingDefinition staging, string pipelineName)
    {
        ArgumentNullException.ThrowIfNull(staging);
        ArgumentException.ThrowIfNullOrWhiteSpace(pipelineName);
        var location = staging.Location?.Trim() ?? string.Empty;
        if (!StagingLocation.TryClassify(location, out var kind, out var problem))
            throw new ArgumentException($"staging.location is not usable: {problem}. Use a local folder, UseDevelopmentStorage=true, a storage connection string, or a container URL such as https://<account>.blob.core.windows.net/<container>.");
        var prefix = PipelinePrefix(staging.Prefix, pipelineName);

        return kind switch
        {
            StagingLocationKind.Folder => new LocalFolderStore(Path.Combine(Path.GetFullPath(location), prefix.Replace('/', Path.DirectorySeparatorChar))),
            StagingLocationKind.DevelopmentStorage or StagingLocationKind.ConnectionString => FromConnectionString(location, staging.Container, prefix),
            StagingLocationKind.ContainerUrl => FromContainerUrl(new Uri(location, UriKind.Absolute), prefix),
            _ => throw new ArgumentException($"staging.location has a form ({kind}) this build cannot open."),
        };
    }

    /// <summary>
    /// The blob container and path prefix a pipeline's staging store writes under, as <see cref="Create"/> lays them
    /// out (blob-arrival dispatch matches commit records by them); null for a local folder or an unusable location.
    /// </summary>
    public static (string Container, string Prefix)? BlobAreaOf(StagingDefinition staging, string pipelineName)
    {
        ArgumentNullException.ThrowIfNull(staging);
        var location = staging.Location?.Trim() ?? string.Empty;
        if (!StagingLocation.TryClassify(location, out var kind, out _)) return null;
        var prefix = staging.Prefix is null ? StagingPath.EscapeSegment(pipelineName) : staging.Prefix.Trim().Trim('/');
        return kind switch
        {
            StagingLocationKind.DevelopmentStorage or StagingLocationKind.ConnectionString => (staging.Container, prefix),
            StagingLocationKind.ContainerUrl when UrlArea.Of(new Uri(location, UriKind.Absolute), prefix) is { } area => (area.Container, area.Prefix),
            _ => null,
        };
    }

    /// <summary>Where a container URL points: emulators (an IP address, localhost or a bare host name) put the account
    /// before the container; path segments after the container are a folder the prefix goes under.</summary>
    private sealed record UrlArea(bool PathStyle, string[] Segments, int ContainerAt, string Container, string Prefix)
    {
        public static UrlArea? Of(Uri uri, string prefix)
        {
            var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var pathStyle = IsPathStyle(uri.Host);
            var containerAt = pathStyle ? 1 : 0;
            if (segments.Length <= containerAt) return null;
            var folder = string.Join('/', segments.Skip(containerAt + 1).Select(Uri.UnescapeDataString));
            var fullPrefix = folder.Length == 0 ? prefix : prefix.Length == 0 ? folder : folder + "/" + prefix;
            return new UrlArea(pathStyle, segments, containerAt, Uri.UnescapeDataString(segments[containerAt]), fullPrefix);
        }
    }

    /// <summary>Emulators (an IP address, localhost or a bare host name) put the account before the container in a
    /// URL's path; Azure puts it in the host name.</summary>
    public static bool IsPathStyle(string host) => IPAddress.TryParse(host, out _) || !host.Contains('.', StringComparison.Ordinal);

    /// <summary><c>staging.prefix</c> as given (trimmed of '/'), or the pipeline name made into one path segment.</summary>
    private static string PipelinePrefix(string? configured, string pipelineName)
    {
        if (configured is null) return StagingPath.EscapeSegment(pipelineName);
        var prefix = configured.Trim().Trim('/');
        if (prefix.Length == 0) return prefix;
        try
        {
            return StagingPath.Validate(prefix, "staging.prefix");
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"staging.prefix is invalid: {e.Message}", e);
        }
    }

    private static IStagingStore FromConnectionString(string connectionString, string container, string prefix)
    {
        ValidContainer(container, "staging.container");
        BlobContainerClient client;
        try
        {
            client = new BlobContainerClient(connectionString, container);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The message stays generic: a connection string holds a secret and must not be echoed.
            throw new ArgumentException($"staging.location looks like a storage connection string but could not be used ({e.GetType().Name}). Check its settings: AccountName with AccountKey or SharedAccessSignature, and BlobEndpoint or EndpointSuffix.");
        }
        return Prefixed(new AzureBlobStore(client), prefix);
    }

    private static IStagingStore FromContainerUrl(Uri uri, string prefix)
    {
        var pathStyle = IsPathStyle(uri.Host);
        var (_, segments, containerAt, container, fullPrefix) = UrlArea.Of(uri, prefix)
            ?? throw new ArgumentException($"staging.location names no container: use https://<account>.blob.core.windows.net/<container>{(pathStyle ? " or http://<host>:<port>/<account>/<container>" : "")}.");
        ValidContainer(container, "The container in staging.location");

        var containerUri = new UriBuilder(uri) { Path = "/" + string.Join('/', segments.Take(containerAt + 1)), Fragment = string.Empty };
        var hasSas = uri.Query.Contains("sig=", StringComparison.OrdinalIgnoreCase);
        if (!hasSas) containerUri.Query = string.Empty;
        BlobContainerClient client;
        if (hasSas)
        {
            client = new BlobContainerClient(containerUri.Uri);
        }
        else if (uri.Scheme == Uri.UriSchemeHttps)
        {
            client = new BlobContainerClient(containerUri.Uri, new DefaultAzureCredential());
        }
        else if (pathStyle && segments[0] == EmulatorAccount)
        {
            client = new BlobContainerClient(containerUri.Uri, new StorageSharedKeyCredential(EmulatorAccount, EmulatorKey));
        }
        else
        {
            throw new ArgumentException("staging.location is an http URL: Azure AD sign-in needs https (only the storage emulator's devstoreaccount1 may use http).");
        }

        if (fullPrefix.Length > 0)
        {
            try
            {
                StagingPath.Validate(fullPrefix, "staging.location");
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"The folder in staging.location is invalid: {e.Message}", e);
            }
        }
        return Prefixed(new AzureBlobStore(client), fullPrefix);
    }

    private static IStagingStore Prefixed(IStagingStore store, string prefix) => prefix.Length == 0 ? store : new PrefixedStagingStore(store, prefix);

    private static void ValidContainer(string? name, string setting)
    {
        if (!StagingLocation.IsValidContainerName(name))
            throw new ArgumentException($"{setting} '{name}' is not a valid blob container name: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
    }
}
