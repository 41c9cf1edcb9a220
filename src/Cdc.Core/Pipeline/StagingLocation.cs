using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Cdc.Core.Pipeline;

/// <summary>The forms <c>staging.location</c> may take.</summary>
public enum StagingLocationKind
{
    /// <summary>A local folder path, absolute or relative to the working directory.</summary>
    Folder,

    /// <summary><c>UseDevelopmentStorage=true</c>: the local Azurite emulator.</summary>
    DevelopmentStorage,

    /// <summary>An Azure Storage connection string (AccountName/AccountKey, BlobEndpoint, SharedAccessSignature ...).</summary>
    ConnectionString,

    /// <summary>An http(s) URL of a blob container; authenticates with Azure AD (DefaultAzureCredential).</summary>
    ContainerUrl,
}

/// <summary>Tells the forms of <c>staging.location</c> apart. Messages never repeat the location itself, since
/// connection strings carry account keys.</summary>
public static partial class StagingLocation
{
    public static StagingLocationKind Classify(string location) =>
        TryClassify(location, out var kind, out var error) ? kind : throw new FormatException(error);

    public static bool TryClassify(string? location, out StagingLocationKind kind, [NotNullWhen(false)] out string? error)
    {
        kind = StagingLocationKind.Folder;
        error = null;
        var text = location?.Trim() ?? "";
        if (text.Length == 0)
        {
            error = "the staging location is empty";
            return false;
        }

        if (UrlScheme().Match(text) is { Success: true } scheme) return TryClassifyUrl(text, scheme.Groups[1].Value, out kind, out error);
        if (SettingStart().IsMatch(text)) return TryClassifyConnectionString(text, out kind, out error);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            error = "the staging folder path contains a NUL character";
            return false;
        }

        return true;
    }

    private static bool TryClassifyUrl(string text, string scheme, out StagingLocationKind kind, out string? error)
    {
        kind = StagingLocationKind.ContainerUrl;
        error = null;
        if (!scheme.Equals("https", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("http", StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{scheme}://' locations are not supported; use a folder path, UseDevelopmentStorage=true, a storage connection string or an https container URL";
            return false;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            error = "the staging location is not a well-formed container URL (https://<account>.blob.core.windows.net/<container>)";
            return false;
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            error = $"the container URL for host '{uri.Host}' names no container; append it: https://<account>.blob.core.windows.net/<container>";
            return false;
        }

        // Azure's own endpoints take exactly one path segment; emulators put the account name first.
        if (uri.Host.Contains(".blob.", StringComparison.OrdinalIgnoreCase) && segments.Length > 1)
        {
            error = "a container URL names just the container (https://<account>.blob.core.windows.net/<container>); put any folder inside it in staging.prefix";
            return false;
        }

        return true;
    }

    private static bool TryClassifyConnectionString(string text, out StagingLocationKind kind, out string? error)
    {
        kind = StagingLocationKind.ConnectionString;
        error = null;
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = "the staging connection string has a part that is not 'Setting=value'";
                return false;
            }

            settings[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        if (settings.TryGetValue("UseDevelopmentStorage", out var development))
        {
            if (!development.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                error = "UseDevelopmentStorage only accepts 'true'";
                return false;
            }

            kind = StagingLocationKind.DevelopmentStorage;
            return true;
        }

        if (!settings.ContainsKey("AccountName") && !settings.ContainsKey("BlobEndpoint"))
        {
            error = "the staging location looks like a connection string but has neither AccountName nor BlobEndpoint";
            return false;
        }

        return true;
    }

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]*)://", RegexOptions.CultureInvariant)]
    private static partial Regex UrlScheme();

    // A leading "Setting=" marks a connection string; folder paths practically never start that way.
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*\\s*=", RegexOptions.CultureInvariant)]
    private static partial Regex SettingStart();

    /// <summary>Azure's rule for blob container names: 3 to 63 lower-case letters, digits and single hyphens,
    /// starting and ending with a letter or digit.</summary>
    public static bool IsValidContainerName(string? name) =>
        name is { Length: >= 3 and <= 63 } && !name.Contains("--", StringComparison.Ordinal) && name[0] != '-' && name[^1] != '-'
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
