using System.Runtime.CompilerServices;
using Cdc.Core.Staging;

namespace Cdc.Core.Metering;

/// <summary>Counts a run's staging store requests by billing class and the bytes they move, per table and step.
/// A request is counted whether or not it succeeds: storage bills failed conditional writes too.</summary>
internal sealed class MeteredStagingStore(IStagingStore inner, RunMeter meter) : IStagingStore
{
    /// <summary>Entries one list request returns at most (the blob service's page size).</summary>
    public const int ListPageSize = 5000;

    public string Description => inner.Description;

    public Task<string> WriteAsync(string path, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken)
    {
        meter.StorageWrite(path, content.Length);
        return inner.WriteAsync(path, content, condition, cancellationToken);
    }

    public async Task<StoredObject?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var stored = await inner.ReadAsync(path, cancellationToken);
        meter.StorageRead(path, stored?.Content.Length ?? 0);
        return stored;
    }

    public async IAsyncEnumerable<StagedEntry> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long entries = 0;
        try
        {
            await foreach (var entry in inner.ListAsync(prefix, cancellationToken))
            {
                entries++;
                yield return entry;
            }
        }
        finally
        {
            meter.StorageList(prefix, 1 + entries / ListPageSize);
        }
    }

    public Task DeleteAsync(string path, string? ifMatch, CancellationToken cancellationToken)
    {
        meter.StorageDelete(path);
        return inner.DeleteAsync(path, ifMatch, cancellationToken);
    }

    public Task CopyAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        meter.StorageWrite(destinationPath, 0);
        return inner.CopyAsync(sourcePath, destinationPath, cancellationToken);
    }

    public override string ToString() => Description;
}
