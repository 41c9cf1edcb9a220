using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;

namespace Cdc.Core.Orchestration;

/// <summary>
/// Maps a blob that was just created in the staging container to the batch it makes visible, so that exactly the
/// commit records (<c>&lt;prefix&gt;/tables/&lt;table segment&gt;/commits/&lt;sequence:D12&gt;.json</c>,
/// <see cref="StagingLayout"/>) start an ingest and nothing else in the container does: not part files, gateway
/// state, leases, usage ledger or run history, nor blobs of another container or of no pipeline.
/// </summary>
/// <remarks>
/// A pipeline's staging area in the container is its <c>staging.prefix</c> (by default the pipeline name), after the
/// folder of a container URL location, exactly as the staging store lays it out. Pipelines staged in a local folder
/// receive no blob events. When two pipelines claim the same area, the first by name wins.
/// </remarks>
public static class BlobArrivalDispatch
{
    private const string SubjectStart = "/blobServices/default/containers/";
    private const string SubjectBlobs = "/blobs/";

    /// <param name="subjectOrUrl">An Event Grid BlobCreated subject
    /// (<c>/blobServices/default/containers/&lt;container&gt;/blobs/&lt;path&gt;</c>, the blob name as it is) or the
    /// blob's URL (<c>https://&lt;account&gt;.blob.core.windows.net/&lt;container&gt;/&lt;path&gt;</c>, or an emulator's
    /// <c>http://127.0.0.1:10000/&lt;account&gt;/&lt;container&gt;/&lt;path&gt;</c>; percent-encoded).</param>
    /// <param name="container">The staging container the trigger watches.</param>
    /// <returns>The batch, or null for anything that is not a commit record of one of <paramref name="pipelines"/>.</returns>
    public static BlobArrival? Match(string subjectOrUrl, string container, IReadOnlyList<PipelineDefinition> pipelines)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        if (string.IsNullOrEmpty(subjectOrUrl) || string.IsNullOrEmpty(container)) return null;
        var blob = subjectOrUrl.StartsWith('/') ? ReadSubject(subjectOrUrl) : ReadUrl(subjectOrUrl);
        if (blob is null || blob.Value.Container != container) return null;
        if (!TryReadCommitPath(blob.Value.Path, out var prefix, out var table, out var sequence)) return null;

        var owner = pipelines
            .Where(p => StagingStoreFactory.BlobAreaOf(p.Staging, p.Name) is { } area && area.Container == container && area.Prefix == prefix)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return owner is null ? null : new BlobArrival(owner.Name, BlobArrival.TableText(table), sequence);
    }

    // The subject carries the blob name unencoded.
    private static (string Container, string Path)? ReadSubject(string subject)
    {
        if (!subject.StartsWith(SubjectStart, StringComparison.Ordinal)) return null;
        var rest = subject[SubjectStart.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !rest.AsSpan(slash).StartsWith(SubjectBlobs, StringComparison.Ordinal)) return null;
        return (rest[..slash], rest[(slash + SubjectBlobs.Length)..]);
    }

    // A URL carries the blob name percent-encoded, segment by segment. An encoded '/' inside a segment is not how a
    // path separator is spelled, so such a URL matches nothing; the commit path check below refuses other oddities.
    private static (string Container, string Path)? ReadUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Host.Length == 0)
            return null;
        // Uri's own path is canonicalized (dot segments removed, some escapes undone): read the path as written.
        var afterScheme = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var pathStart = url.IndexOf('/', afterScheme);
        if (pathStart < 0) return null;
        var pathEnd = url.IndexOfAny(['?', '#'], pathStart);
        var segments = url[(pathStart + 1)..(pathEnd < 0 ? url.Length : pathEnd)].Split('/');

        // Emulators (an IP address or a bare host name) put the account name before the container.
        var containerAt = StagingStoreFactory.IsPathStyle(uri.Host) ? 1 : 0;
        if (segments.Length < containerAt + 2) return null;
        var decoded = new List<string>(segments.Length);
        foreach (var segment in segments.Skip(containerAt))
        {
            var text = Uri.UnescapeDataString(segment);
            if (text.Length == 0 || text.Contains('/', StringComparison.Ordinal)) return null;
            decoded.Add(text);
        }
        return (decoded[0], string.Join('/', decoded.Skip(1)));
    }

    /// <summary>Splits <c>&lt;prefix&gt;/tables/&lt;segment&gt;/commits/&lt;sequence&gt;.json</c>; the tail must be
    /// exactly the path <see cref="StagingLayout.CommitPath"/> gives that table and sequence (canonical encoding).</summary>
    private static bool TryReadCommitPath(string path, out string prefix, out TableId table, out long sequence)
    {
        prefix = "";
        table = default;
        sequence = 0;
        var segments = path.Split('/');
        if (segments.Length < 4 || segments.Any(s => s.Length == 0 || s is "." or "..")) return false;
        var at = segments.Length - 4;
        var tail = string.Join('/', segments[at..]);
        if (!StagingLayout.TryParseCommitTable(tail, out table) || table.Schema.Length == 0 || table.Name.Length == 0) return false;
        if (!StagingLayout.TryParseCommitSequence(tail, StagingLayout.CommitsFolder(table), out sequence)) return false;
        if (StagingLayout.CommitPath(table, sequence) != tail) return false;
        prefix = string.Join('/', segments[..at]);
        return true;
    }
}
