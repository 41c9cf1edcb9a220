using Cdc.Core.Staging;

namespace Cdc.Core.Tests.Crash;

/// <summary>Counts every write, delete and copy of the staging store against a <see cref="FaultPlan"/>.</summary>
public sealed class FaultyStagingStore(IStagingStore inner, FaultPlan plan) : IStagingStore
{
    public string Description => inner.Description;

    public Task<string> WriteAsync(string path, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken) =>
        plan.RunAsync($"write {path}", () => inner.WriteAsync(path, content, condition, cancellationToken));

    public Task<StoredObject?> ReadAsync(string path, CancellationToken cancellationToken) => inner.ReadAsync(path, cancellationToken);

    public IAsyncEnumerable<StagedEntry> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public Task DeleteAsync(string path, string? ifMatch, CancellationToken cancellationToken) =>
        plan.RunAsync($"delete {path}", () => inner.DeleteAsync(path, ifMatch, cancellationToken));

    public Task CopyAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken) =>
        plan.RunAsync($"copy {sourcePath}", () => inner.CopyAsync(sourcePath, destinationPath, cancellationToken));
}
