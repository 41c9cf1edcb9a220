using System.Runtime.CompilerServices;
using System.Text.Json;
using Cdc.Core.Model;
using Cdc.Core.Staging.Format;
using Cdc.Core.Staging.Json;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Staging;

/// <summary>
/// The staging area over an <see cref="IStagingStore"/>: batches written as compressed, checksummed part files and
/// made visible by a create-only commit record; read back with every file verified before any of its rows is
/// returned, and corrupt files quarantined. docs/staging-format.md describes the layout, format and protocol.
/// </summary>
public sealed class StagingArea : IStagingArea
{
    private readonly ILogger _logger;
    private readonly StagingAreaSettings _settings;
    private readonly TimeProvider _time;

    public StagingArea(IStagingStore store, ILogger logger, StagingAreaSettings? settings = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        Store = store;
        _logger = logger;
        _settings = settings ?? new StagingAreaSettings();
        _settings.Validate();
        _time = timeProvider ?? TimeProvider.System;
    }

    public IStagingStore Store { get; }

    public IBatchWriter StartBatch(TableSchema schema, long sequence, BatchKind kind, int snapshotGeneration)
    {
        ArgumentNullException.ThrowIfNull(schema);
        StagingLayout.ValidateSequence(sequence);
        if (snapshotGeneration < 0) throw new ArgumentOutOfRangeException(nameof(snapshotGeneration), snapshotGeneration, "A snapshot generation cannot be negative.");
        return new BatchWriter(Store, _settings, _logger, _time, schema, sequence, kind, snapshotGeneration);
    }

    public async Task<IReadOnlyList<CommitRecord>> ListCommitsAsync(TableId table, long afterSequence, CancellationToken cancellationToken)
    {
        if (afterSequence < 0) throw new ArgumentOutOfRangeException(nameof(afterSequence), afterSequence, "Sequences start at 1; pass 0 for all batches.");
        var sequences = await ListCommitSequencesAsync(table, cancellationToken);
        var wanted = sequences.Where(s => s > afterSequence).ToList();
        var expected = afterSequence + 1;
        foreach (var sequence in wanted)
        {
            if (sequence != expected) throw new StagingGapException(table, expected);
            expected++;
        }

        var commits = new CommitRecord[wanted.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, wanted.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _settings.CommitReadConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => commits[i] = await ReadCommitAsync(table, wanted[i], ct) ?? throw new StagingGapException(table, wanted[i]));
        return commits;
    }

    public async Task<CommitRecord?> LastCommitAsync(TableId table, CancellationToken cancellationToken)
    {
        var sequences = await ListCommitSequencesAsync(table, cancellationToken);
        return sequences.Count == 0 ? null : await ReadCommitAsync(table, sequences[^1], cancellationToken);
    }

    public async Task<IReadOnlyList<TableId>> ListTablesAsync(CancellationToken cancellationToken)
    {
        var tables = new SortedSet<TableId>();
        await foreach (var entry in Store.ListAsync(StagingLayout.TablesFolder + "/", cancellationToken))
            if (StagingLayout.TryParseCommitTable(entry.Path, out var table)) tables.Add(table);
        return tables.ToList();
    }

    public async IAsyncEnumerable<ChangeRow> ReadRowsAsync(CommitRecord commit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        // The next file is fetched while the current one is decoded: at most two parts are in memory at once.
        Task<StoredObject?>? next = commit.Files.Count > 0 ? Store.ReadAsync(commit.Files[0].Path, cancellationToken) : null;
        try
        {
            for (var index = 0; index < commit.Files.Count; index++)
            {
                var file = commit.Files[index];
                var stored = await next!;
                next = index + 1 < commit.Files.Count ? Store.ReadAsync(commit.Files[index + 1].Path, cancellationToken) : null;
                using var reader = await OpenVerifiedAsync(commit, file, stored, cancellationToken);
                while (true)
                {
                    ChangeRow row;
                    try
                    {
                        if (!reader.TryRead(out row)) break;
                    }
                    catch (StagedFileFormatException e)
                    {
                        throw await QuarantineAsync(commit, file, stored, $"undecodable rows: {e.Message}", cancellationToken);
                    }
                    yield return row;
                }
            }
        }
        finally
        {
            // A reader that stops early leaves a fetch running: observe it so its failure is not left unobserved.
            _ = next?.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    /// <summary>Checks size, SHA-256, structure and header of a file against its commit record, before any row is decoded.</summary>
    private async Task<StagedFileReader> OpenVerifiedAsync(CommitRecord commit, StagedFileInfo file, StoredObject? stored, CancellationToken cancellationToken)
    {
        if (stored is null) throw await QuarantineAsync(commit, file, null, "the file is missing", cancellationToken);
        var content = stored.Content;
        if (content.Length != file.Bytes)
            throw await QuarantineAsync(commit, file, stored, $"it is {content.Length} bytes but its commit record says {file.Bytes}", cancellationToken);
        var (sha, trailerMatches) = StagedFileChecksum.Digest(content.Span);
        if (!string.Equals(sha, file.Sha256, StringComparison.OrdinalIgnoreCase))
            throw await QuarantineAsync(commit, file, stored, $"its SHA-256 is {sha} but its commit record says {file.Sha256}", cancellationToken);
        if (!trailerMatches)
            throw await QuarantineAsync(commit, file, stored, "its trailer checksum does not match its content", cancellationToken);

        StagedFileReader reader;
        try
        {
            reader = StagedFileReader.Open(content, trailerVerified: true);
        }
        catch (StagedFileFormatException e)
        {
            throw await QuarantineAsync(commit, file, stored, e.Message, cancellationToken);
        }
        var mismatch = DescribeHeaderMismatch(commit, file, reader.Header);
        if (mismatch is not null)
        {
            reader.Dispose();
            throw await QuarantineAsync(commit, file, stored, mismatch, cancellationToken);
        }
        return reader;
    }

    private static string? DescribeHeaderMismatch(CommitRecord commit, StagedFileInfo file, StagedFileHeader header)
    {
        if (header.Table != commit.Table) return $"it belongs to table {header.Table}, not {commit.Table}";
        if (header.Sequence != commit.Sequence) return $"it belongs to batch {header.Sequence}, not {commit.Sequence}";
        if (header.Kind != commit.Kind || header.SnapshotGeneration != commit.SnapshotGeneration)
            return $"it is a {header.Kind} of generation {header.SnapshotGeneration}, the commit a {commit.Kind} of generation {commit.SnapshotGeneration}";
        if (header.RowCount != file.Rows) return $"it holds {header.RowCount} rows but its commit record says {file.Rows}";
        if (!header.Schema.Equals(commit.Schema)) return $"its schema ({header.Schema.Fingerprint}) differs from the commit's ({commit.Schema.Fingerprint})";
        return null;
    }

    /// <summary>Copies a bad file (when there is one) to the quarantine area with a note, logs it, and returns the exception to throw.</summary>
    private async Task<CorruptStagedFileException> QuarantineAsync(CommitRecord commit, StagedFileInfo file, StoredObject? stored, string reason, CancellationToken cancellationToken)
    {
        var name = file.Path[(file.Path.LastIndexOf('/') + 1)..];
        var destination = StagingLayout.QuarantinePath(commit.Table, commit.Sequence, name);
        try
        {
            if (stored is not null) await Store.WriteAsync(destination, stored.Content, WriteCondition.None, cancellationToken);
            var note = new QuarantineNote(file.Path, stored is null ? null : destination, commit.Table, commit.Sequence, reason, file.Bytes, file.Sha256,
                stored?.Content.Length, stored is null ? null : StagedFileChecksum.Sha256Hex(stored.Content.Span), _time.GetUtcNow());
            await Store.WriteAsync(StagingLayout.QuarantineNotePath(destination), JsonSerializer.SerializeToUtf8Bytes(note, StagingJsonContext.Default.QuarantineNote),
                WriteCondition.None, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            StagingLog.QuarantineFailed(_logger, e, file.Path, destination);
        }
        StagingLog.FileQuarantined(_logger, file.Path, commit.Sequence, commit.Table, reason, destination);
        return new CorruptStagedFileException(file.Path, destination, reason);
    }

    private async Task<List<long>> ListCommitSequencesAsync(TableId table, CancellationToken cancellationToken)
    {
        var folder = StagingLayout.CommitsFolder(table);
        var sequences = new List<long>();
        await foreach (var entry in Store.ListAsync(folder, cancellationToken))
            if (StagingLayout.TryParseCommitSequence(entry.Path, folder, out var sequence)) sequences.Add(sequence);
        sequences.Sort();
        return sequences;
    }

    private async Task<CommitRecord?> ReadCommitAsync(TableId table, long sequence, CancellationToken cancellationToken)
    {
        var path = StagingLayout.CommitPath(table, sequence);
        var stored = await Store.ReadAsync(path, cancellationToken);
        if (stored is null) return null;
        CommitRecord commit;
        try
        {
            commit = StagingJson.DeserializeCommit(stored.Content.Span);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Commit record '{path}' in {Store.Description} is not valid: {e.Message}", e);
        }
        if (commit.Table != table || commit.Sequence != sequence)
            throw new InvalidDataException($"Commit record '{path}' in {Store.Description} describes batch {commit.Sequence} of {commit.Table}, not batch {sequence} of {table}.");
        if (commit.FormatVersion > CommitRecord.CurrentFormatVersion)
            throw new InvalidDataException($"Commit record '{path}' has format version {commit.FormatVersion}; this build reads up to {CommitRecord.CurrentFormatVersion}.");
        return commit;
    }
}
