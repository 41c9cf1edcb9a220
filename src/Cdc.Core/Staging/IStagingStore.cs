namespace Cdc.Core.Staging;

/// <summary>
/// The blob-shaped storage under the staging area: a flat namespace of '/'-separated paths holding immutable-ish
/// objects with ETags. Implemented over a local folder and over an Azure Blob container. Conditional writes are
/// what make commits and state updates safe against concurrent writers.
/// </summary>
public interface IStagingStore
{
    /// <summary>Human-readable location, for messages (a folder path or container URL, never a secret).</summary>
    string Description { get; }

    /// <summary>Writes a whole object. Throws <see cref="StagingConflictException"/> when <paramref name="condition"/> fails.</summary>
    /// <returns>The new ETag.</returns>
    Task<string> WriteAsync(string path, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken);

    /// <summary>Reads a whole object, or null when it does not exist.</summary>
    Task<StoredObject?> ReadAsync(string path, CancellationToken cancellationToken);

    /// <summary>Lists objects whose path starts with <paramref name="prefix"/>, in ordinal path order.</summary>
    IAsyncEnumerable<StagedEntry> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes an object if it exists; with <paramref name="ifMatch"/>, only when its ETag still matches.</summary>
    Task DeleteAsync(string path, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>Copies an object within the store (used to quarantine corrupt files without losing them).</summary>
    Task CopyAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken);
}

/// <summary>When a write may happen: always, only if nothing is there yet, or only if the ETag still matches.</summary>
public readonly record struct WriteCondition(WriteConditionKind Kind, string? ETag)
{
    public static WriteCondition None => new(WriteConditionKind.None, null);
    public static WriteCondition IfNotExists => new(WriteConditionKind.IfNotExists, null);
    public static WriteCondition IfMatch(string etag) => new(WriteConditionKind.IfMatch, etag);

    /// <summary>IfMatch when an ETag is known, IfNotExists otherwise: the usual read-modify-write guard.</summary>
    public static WriteCondition Replacing(string? etag) => etag is null ? IfNotExists : IfMatch(etag);
}

public enum WriteConditionKind
{
    None,
    IfNotExists,
    IfMatch,
}

public sealed record StoredObject(ReadOnlyMemory<byte> Content, string ETag);

public sealed record StagedEntry(string Path, long Size, string ETag, DateTimeOffset LastModified);

/// <summary>A conditional write lost: another writer created or changed the object first.</summary>
public sealed class StagingConflictException(string path, string message) : Exception(message)
{
    public string Path { get; } = path;
}
