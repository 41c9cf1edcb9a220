using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Cdc.Core.Staging.Stores;

/// <summary>
/// An <see cref="IStagingStore"/> over an Azure Blob container (or Azurite). Conditional writes are the service's own
/// If-None-Match: * and If-Match preconditions, so they hold between any number of writers anywhere. The container is
/// created on the first write when it does not exist yet.
/// </summary>
public sealed class AzureBlobStore : IStagingStore
{
    private readonly BlobContainerClient _container;
    private readonly SemaphoreSlim _creating = new(1, 1);
    private volatile bool _containerReady;

    public AzureBlobStore(BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
        // The URI without its query, so a SAS token never reaches a message or a log.
        Description = new UriBuilder(container.Uri) { Query = string.Empty }.Uri.ToString().TrimEnd('/');
    }

    public string Description { get; }

    public async Task<string> WriteAsync(string path, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken)
    {
        StagingPath.Validate(path);
        await EnsureContainerAsync(cancellationToken);
        var options = new BlobUploadOptions { Conditions = ConditionsFor(condition) };
        try
        {
            var response = await _container.GetBlobClient(path).UploadAsync(BinaryData.FromBytes(content), options, cancellationToken);
            return Normalize(response.Value.ETag);
        }
        catch (RequestFailedException e) when (IsConflict(e) || (condition.Kind == WriteConditionKind.IfMatch && e.Status == 404))
        {
            throw new StagingConflictException(path, condition.Kind switch
            {
                WriteConditionKind.IfNotExists => $"'{path}' already exists in {Description}: another writer created it first.",
                WriteConditionKind.IfMatch when e.Status == 404 => $"'{path}' in {Description} no longer exists; it was expected at ETag {condition.ETag}.",
                _ => $"'{path}' in {Description} changed since it was read (expected ETag {condition.ETag}).",
            });
        }
    }

    public async Task<StoredObject?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        StagingPath.Validate(path);
        try
        {
            var response = await _container.GetBlobClient(path).DownloadContentAsync(cancellationToken);
            return new StoredObject(response.Value.Content.ToMemory(), Normalize(response.Value.Details.ETag));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<StagedEntry> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StagingPath.ValidatePrefix(prefix);
        var entries = new List<StagedEntry>();
        try
        {
            await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix.Length == 0 ? null : prefix, cancellationToken))
            {
                var properties = blob.Properties;
                entries.Add(new StagedEntry(blob.Name, properties.ContentLength ?? 0, properties.ETag is { } etag ? Normalize(etag) : string.Empty,
                    properties.LastModified ?? DateTimeOffset.MinValue));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No container yet: nothing has been staged.
        }
        // The service lists in UTF-8 byte order; sort so non-ASCII names follow the ordinal order the contract promises.
        entries.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        foreach (var entry in entries) yield return entry;
    }

    public async Task DeleteAsync(string path, string? ifMatch, CancellationToken cancellationToken)
    {
        StagingPath.Validate(path);
        var conditions = ifMatch is null ? null : new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
        var blob = _container.GetBlobClient(path);
        try
        {
            await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Some services answer a conditional delete of a missing blob with 412 rather than 404: missing is not a conflict.
            if (!await blob.ExistsAsync(cancellationToken)) return;
            throw new StagingConflictException(path, $"'{path}' in {Description} was not deleted: it changed since it was read (expected ETag {ifMatch}).");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The container is gone, and the object with it.
        }
    }

    public async Task CopyAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        StagingPath.Validate(destinationPath, nameof(destinationPath));
        // Download and upload rather than a server-side copy: it needs no extra authorization for the source URL, and
        // copies are rare (quarantine) and small (one bounded part).
        var source = await ReadAsync(sourcePath, cancellationToken)
            ?? throw new FileNotFoundException($"Cannot copy '{sourcePath}' in {Description}: it does not exist.", sourcePath);
        await WriteAsync(destinationPath, source.Content, WriteCondition.None, cancellationToken);
    }

    public override string ToString() => Description;

    private static BlobRequestConditions? ConditionsFor(WriteCondition condition) => condition.Kind switch
    {
        WriteConditionKind.None => null,
        WriteConditionKind.IfNotExists => new BlobRequestConditions { IfNoneMatch = ETag.All },
        WriteConditionKind.IfMatch => new BlobRequestConditions
        {
            IfMatch = new ETag(condition.ETag ?? throw new ArgumentException("An IfMatch condition needs an ETag.", nameof(condition))),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.Kind, "Unknown write condition."),
    };

    /// <summary>Upload and download responses quote ETags, listings may not: use the quoted form everywhere.</summary>
    private static string Normalize(ETag etag)
    {
        var text = etag.ToString();
        return text.StartsWith('"') ? text : $"\"{text}\"";
    }

    private static bool IsConflict(RequestFailedException e) => e.Status is 409 or 412;

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady) return;
        await _creating.WaitAsync(cancellationToken);
        try
        {
            if (_containerReady) return;
            try
            {
                await _container.CreateIfNotExistsAsync(PublicAccessType.None, null, null, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 403)
            {
                // A credential scoped to the container (a SAS, a data-plane role) may not create containers; the
                // container then has to exist already, and the writes themselves will say so if it does not.
            }
            _containerReady = true;
        }
        finally
        {
            _creating.Release();
        }
    }
}
