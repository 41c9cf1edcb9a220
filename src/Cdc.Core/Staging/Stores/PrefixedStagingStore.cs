using System.Runtime.CompilerServices;

namespace Cdc.Core.Staging.Stores;

/// <summary>Presents a folder of another store as a store of its own: every path is taken relative to <see cref="Prefix"/>.</summary>
public sealed class PrefixedStagingStore : IStagingStore
{
    private readonly IStagingStore _inner;

    /// <param name="prefix">A folder path such as <c>pipelines/orders</c> (no leading or trailing '/').</param>
    public PrefixedStagingStore(IStagingStore inner, string prefix)
    {
        ArgumentNullException.ThrowIfNull(inner);
        StagingPath.Validate(prefix, nameof(prefix));
        _inner = inner;
        Prefix = prefix;
    }

    public string Prefix { get; }

    public string Description => $"{_inner.Description}/{Prefix}";

    public async Task<string> WriteAsync(string path, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken)
    {
        try
        {
            return await _inner.WriteAsync(Full(path), content, condition, cancellationToken);
        }
        catch (StagingConflictException e)
        {
            throw new StagingConflictException(path, e.Message);
        }
    }

    public Task<StoredObject?> ReadAsync(string path, CancellationToken cancellationToken) => _inner.ReadAsync(Full(path), cancellationToken);

    public async IAsyncEnumerable<StagedEntry> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StagingPath.ValidatePrefix(prefix);
        var skip = Prefix.Length + 1;
        await foreach (var entry in _inner.ListAsync(Prefix + "/" + prefix, cancellationToken))
            yield return entry with { Path = entry.Path[skip..] };
    }

    public async Task DeleteAsync(string path, string? ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            await _inner.DeleteAsync(Full(path), ifMatch, cancellationToken);
        }
        catch (StagingConflictException e)
        {
            throw new StagingConflictException(path, e.Message);
        }
    }

    public Task CopyAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken) =>
        _inner.CopyAsync(Full(sourcePath), Full(destinationPath), cancellationToken);

    public override string ToString() => Description;

    private string Full(string path) => Prefix + "/" + StagingPath.Validate(path);
}
