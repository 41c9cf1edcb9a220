using System.Runtime.CompilerServices;

namespace Cdc.Core.Staging.Stores;

/// <summary>
/// An <see cref="IStagingStore"/> over a local (or mounted) folder. Every write goes to a temporary file that is
/// renamed over the target, so readers see the old or the new content, never a partial one. Conditional writes and
/// deletes check and replace under an exclusive lock file, which serialises them between threads and between
/// processes sharing the folder. An ETag is the file's modification time (100 ns ticks, made unique per write under
/// the lock) and its length: unchanged while nobody writes, new on every write.
/// </summary>
public sealed class LocalFolderStore : IStagingStore
{
    /// <summary>Root folders reserved for the store's own bookkeeping; never listed and never valid object paths.</summary>
    private const string LockFolder = ".ingest-locks";
    private const string TempFolder = ".ingest-tmp";
    private const int LockStripes = 64;
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StaleTempAge = TimeSpan.FromDays(1);

    private readonly SemaphoreSlim[] _localLocks;

    public LocalFolderStore(string rootFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootFolder);
        Root = Path.GetFullPath(rootFolder);
        Directory.CreateDirectory(Path.Combine(Root, LockFolder));
        Directory.CreateDirectory(Path.Combine(Root, TempFolder));
        _localLocks = new SemaphoreSlim[LockStripes];
        for (var i = 0; i < LockStripes; i++) _localLocks[i] = new SemaphoreSlim(1, 1);
        RemoveStaleTempFiles();
    }

    /// <summary>The absolute folder objects live under.</summary>
    public string Root { get; }

    public string Description => Root;

    public async Task<string> WriteAsync(string path, ReadOnlyMemory<byte> content, WriteCondition condition, CancellationToken cancellationToken)
    {
        var target = Resolve(path);
        // The slow part (writing and flushing the bytes) happens outside the lock; only check-and-rename is inside.
        var temp = Path.Combine(Root, TempFolder, Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, content.Length))
            {
                await RandomAccess.WriteAsync(handle, content, 0, cancellationToken);
                RandomAccess.FlushToDisk(handle);
            }

            await using var held = await LockAsync(path, cancellationToken);
            var current = CurrentVersion(target);
            CheckCondition(path, condition, current);
            var stamp = StampUniqueModificationTime(temp, current?.Modified);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(temp, target, overwrite: true);
            return ETagOf(stamp, content.Length);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    public async Task<StoredObject?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var target = Resolve(path);
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        using (handle)
        {
            // Length and time come from the open handle, so they describe exactly the content read even if a writer
            // renames a new version over the path meanwhile.
            var length = RandomAccess.GetLength(handle);
            if (length > Array.MaxLength) throw new IOException($"'{target}' is {length} bytes, more than one staged object may hold.");
            var buffer = GC.AllocateUninitializedArray<byte>((int)length);
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read), read, cancellationToken);
                if (n == 0) throw new IOException($"'{target}' ended after {read} of {length} bytes while it was read.");
                read += n;
            }
            return new StoredObject(buffer, ETagOf(File.GetLastWriteTimeUtc(handle), length));
        }
    }

    public async IAsyncEnumerable<StagedEntry> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StagingPath.ValidatePrefix(prefix);
        var slash = prefix.LastIndexOf('/');
        var folder = slash < 0 ? Root : Path.Combine(Root, ToLocal(prefix[..slash]));
        if (!Directory.Exists(folder)) yield break;

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false };
        var entries = new List<StagedEntry>();
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(Root, file.FullName);
            if (Path.DirectorySeparatorChar != '/') relative = relative.Replace(Path.DirectorySeparatorChar, '/');
            if (!relative.StartsWith(prefix, StringComparison.Ordinal) || IsReserved(relative)) continue;
            try
            {
                var modified = file.LastWriteTimeUtc;
                var length = file.Length;
                entries.Add(new StagedEntry(relative, length, ETagOf(modified, length), new DateTimeOffset(modified, TimeSpan.Zero)));
            }
            catch (FileNotFoundException)
            {
                // Deleted while listing: it is simply not there any more.
            }
        }
        entries.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        foreach (var entry in entries) yield return entry;
        await Task.CompletedTask;
    }

    public async Task DeleteAsync(string path, string? ifMatch, CancellationToken cancellationToken)
    {
        var target = Resolve(path);
        await using var held = await LockAsync(path, cancellationToken);
        var current = CurrentVersion(target);
        if (current is null) return;
        if (ifMatch is not null && !string.Equals(current.Value.ETag, ifMatch, StringComparison.Ordinal))
            throw new StagingConflictException(path, $"'{path}' in {Description} was not deleted: it changed since it was read (ETag {current.Value.ETag}, expected {ifMatch}).");
        File.Delete(target);
    }

    public async Task CopyAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        StagingPath.Validate(destinationPath, nameof(destinationPath));
        var source = await ReadAsync(sourcePath, cancellationToken)
            ?? throw new FileNotFoundException($"Cannot copy '{sourcePath}' in {Description}: it does not exist.", sourcePath);
        await WriteAsync(destinationPath, source.Content, WriteCondition.None, cancellationToken);
    }

    public override string ToString() => Description;

    private string Resolve(string path)
    {
        StagingPath.Validate(path);
        if (IsReserved(path)) throw new ArgumentException($"Staging path '{path}' is inside a folder the local store reserves for itself.", nameof(path));
        return Path.Combine(Root, ToLocal(path));
    }

    private static string ToLocal(string path) => Path.DirectorySeparatorChar == '/' ? path : path.Replace('/', Path.DirectorySeparatorChar);

    private static bool IsReserved(string relativePath) =>
        IsUnder(relativePath, LockFolder) || IsUnder(relativePath, TempFolder);

    private static bool IsUnder(string path, string folder) =>
        path.StartsWith(folder, StringComparison.Ordinal) && (path.Length == folder.Length || path[folder.Length] == '/');

    private void CheckCondition(string path, WriteCondition condition, (DateTime Modified, string ETag)? current)
    {
        switch (condition.Kind)
        {
            case WriteConditionKind.None:
                return;
            case WriteConditionKind.IfNotExists when current is not null:
                throw new StagingConflictException(path, $"'{path}' already exists in {Description}: another writer created it first.");
            case WriteConditionKind.IfMatch when current is null:
                throw new StagingConflictException(path, $"'{path}' in {Description} no longer exists; it was expected at ETag {condition.ETag}.");
            case WriteConditionKind.IfMatch when !string.Equals(current.Value.ETag, condition.ETag, StringComparison.Ordinal):
                throw new StagingConflictException(path, $"'{path}' in {Description} changed since it was read (ETag {current.Value.ETag}, expected {condition.ETag}).");
        }
    }

    private static (DateTime Modified, string ETag)? CurrentVersion(string target)
    {
        var info = new FileInfo(target);
        if (!info.Exists) return null;
        var modified = info.LastWriteTimeUtc;
        return (modified, ETagOf(modified, info.Length));
    }

    /// <summary>
    /// Gives the new file a modification time later than the version it replaces, so even a same-length rewrite
    /// within one clock tick gets a new ETag. Returns the time as the file system stored it.
    /// </summary>
    private static DateTime StampUniqueModificationTime(string file, DateTime? replaced)
    {
        var stamp = DateTime.UtcNow;
        if (replaced is { } previous && stamp <= previous) stamp = previous.AddTicks(1);
        File.SetLastWriteTimeUtc(file, stamp);
        var stored = File.GetLastWriteTimeUtc(file);
        // A file system with coarse timestamps may round the stamp back to the previous one: step past it.
        for (var step = 1; replaced is { } before && stored <= before && step <= 4; step++)
        {
            File.SetLastWriteTimeUtc(file, before.AddSeconds(step));
            stored = File.GetLastWriteTimeUtc(file);
        }
        return stored;
    }

    private static string ETagOf(DateTime modifiedUtc, long length) =>
        $"{modifiedUtc.Ticks:x16}-{length:x}";

    /// <summary>
    /// Takes the lock for a path: an in-process semaphore (so threads queue instead of polling) and then an exclusive
    /// lock file (so processes exclude each other). Paths share a fixed set of lock stripes so lock files never pile up.
    /// </summary>
    private async Task<HeldLock> LockAsync(string path, CancellationToken cancellationToken)
    {
        var stripe = StripeOf(path);
        var local = _localLocks[stripe];
        if (!await local.WaitAsync(LockTimeout, cancellationToken))
            throw new TimeoutException($"Timed out after {LockTimeout.TotalSeconds:0} s waiting to write '{path}' in {Description}.");
        try
        {
            var lockFile = Path.Combine(Root, LockFolder, $"stripe-{stripe:D2}.lock");
            var started = DateTime.UtcNow;
            while (true)
            {
                try
                {
                    // FileShare.None takes an exclusive advisory lock (flock on Unix, a share lock on Windows) that is
                    // released when the stream closes, also when the process dies.
                    var stream = new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                    return new HeldLock(stream, local);
                }
                catch (IOException) when (DateTime.UtcNow - started < LockTimeout)
                {
                    await Task.Delay(Random.Shared.Next(1, 5), cancellationToken);
                }
                catch (IOException e)
                {
                    throw new TimeoutException($"Timed out after {LockTimeout.TotalSeconds:0} s waiting for lock file '{lockFile}' to write '{path}' in {Description}; another process holds it.", e);
                }
            }
        }
        catch
        {
            local.Release();
            throw;
        }
    }

    /// <summary>A hash that is the same in every process (string.GetHashCode is randomised per process).</summary>
    private static int StripeOf(string path)
    {
        var hash = 2166136261u;
        foreach (var c in path) hash = (hash ^ c) * 16777619u;
        return (int)(hash % LockStripes);
    }

    private void RemoveStaleTempFiles()
    {
        try
        {
            foreach (var file in new DirectoryInfo(Path.Combine(Root, TempFolder)).EnumerateFiles("*.tmp"))
                if (DateTime.UtcNow - file.LastWriteTimeUtc > StaleTempAge) TryDelete(file.FullName);
        }
        catch (IOException)
        {
            // Best effort: leftovers of crashed writes are harmless.
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed class HeldLock(FileStream lockFile, SemaphoreSlim local) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await lockFile.DisposeAsync();
            local.Release();
        }
    }
}
