using Cdc.Core.Model;
using Cdc.Core.Staging.Format;
using Cdc.Core.Staging.Json;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Staging;

/// <summary>
/// Writes one batch of a <see cref="StagingArea"/>. Rows are encoded on the caller's thread and handed in chunks to a
/// <see cref="PartPipeline"/> that compresses and writes the part files in the background (plain writes, so a retry
/// overwrites an abandoned attempt's parts); the commit record is written last, create-only. A commit that fails to
/// write its record (a network error, say) may be retried by calling <see cref="CommitAsync"/> again. Not thread-safe:
/// one writer, one caller.
/// </summary>
internal sealed class BatchWriter : IBatchWriter
{
    private readonly IStagingStore _store;
    private readonly StagingAreaSettings _settings;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TableSchema _schema;
    private readonly long _sequence;
    private readonly BatchKind _kind;
    private readonly int _snapshotGeneration;
    private readonly RowEncoder _encoder;
    private RowBuffer? _chunk;
    private int _chunkRows;
    private long _partRows;
    private long _partBytes;
    private int _partsEnded;
    private PartPipeline? _pipeline;
    private bool _sealed;
    private bool _committed;
    private bool _disposed;

    public BatchWriter(IStagingStore store, StagingAreaSettings settings, ILogger logger, TimeProvider time, TableSchema schema, long sequence, BatchKind kind, int snapshotGeneration)
    {
        _store = store;
        _settings = settings;
        _logger = logger;
        _time = time;
        _schema = schema;
        _sequence = sequence;
        _kind = kind;
        _snapshotGeneration = snapshotGeneration;
        _encoder = new RowEncoder(schema);
    }

    public long RowCount { get; private set; }

    public long BytesWritten => _pipeline?.BytesWritten ?? 0;

    private string CommitPath => StagingLayout.CommitPath(_schema.Table, _sequence);

    public ValueTask WriteAsync(ChangeRow row, CancellationToken cancellationToken)
    {
        EnsureWritable();
        if (_sealed) throw new InvalidOperationException($"Batch {_sequence} of {_schema.Table} is being committed; no more rows can be added.");
        if (_chunk is null) return new ValueTask(StartAndWriteAsync(row, cancellationToken));
        return Append(row, cancellationToken);
    }

    public async Task<CommitRecord> CommitAsync(BatchCommitInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        EnsureWritable();
        if (_pipeline is not null && _partRows > 0) await SendChunkAsync(endOfPart: true, cancellationToken);
        _sealed = true;
        IReadOnlyList<StagedFileInfo> files = _pipeline is null ? [] : [.. await _pipeline.CompleteAsync(cancellationToken)];

        var commit = new CommitRecord(CommitRecord.CurrentFormatVersion, _schema.Table, _sequence, _kind, _snapshotGeneration, info.SnapshotFinal,
            info.SnapshotCursor, info.FromPosition, info.ToPosition, _schema, files, RowCount, _time.GetUtcNow());
        try
        {
            await _store.WriteAsync(CommitPath, StagingJson.SerializeCommit(commit), WriteCondition.IfNotExists, cancellationToken);
        }
        catch (StagingConflictException)
        {
            StagingLog.BatchAlreadyCommitted(_logger, _sequence, _schema.Table);
            throw AlreadyCommitted();
        }
        _committed = true;
        StagingLog.BatchCommitted(_logger, _sequence, _schema.Table, _kind, RowCount, files.Count, BytesWritten);
        return commit;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_committed && RowCount > 0) StagingLog.BatchAbandoned(_logger, _sequence, _schema.Table, RowCount);
        if (_pipeline is not null) await _pipeline.DisposeAsync();
    }

    private async Task StartAndWriteAsync(ChangeRow row, CancellationToken cancellationToken)
    {
        // Overwriting the parts of a batch that is already committed would corrupt it: refuse before the first write.
        if (await _store.ReadAsync(CommitPath, cancellationToken) is not null) throw AlreadyCommitted();
        _pipeline ??= new PartPipeline(_store, _logger, _schema, _sequence, _kind, _snapshotGeneration);
        _chunk = new RowBuffer(PartPipeline.ChunkBytes * 2);
        await Append(row, cancellationToken);
    }

    private ValueTask Append(in ChangeRow row, CancellationToken cancellationToken)
    {
        var chunk = _chunk!;
        var before = chunk.Length;
        _encoder.Encode(chunk, row, RowCount + 1);
        _partBytes += chunk.Length - before;
        _chunkRows++;
        _partRows++;
        RowCount++;
        if (_partRows >= _settings.PartMaxRows || _partBytes >= _settings.PartMaxUncompressedBytes) return SendChunkAsync(endOfPart: true, cancellationToken);
        return chunk.Length >= PartPipeline.ChunkBytes ? SendChunkAsync(endOfPart: false, cancellationToken) : default;
    }

    private ValueTask SendChunkAsync(bool endOfPart, CancellationToken cancellationToken)
    {
        var pipeline = _pipeline!;
        if (endOfPart && _partsEnded >= StagingLayout.MaxParts)
            throw new InvalidOperationException($"Batch {_sequence} of {_schema.Table} would need more than {StagingLayout.MaxParts} part files; raise the part size.");
        var chunk = _chunk!;
        var bytes = chunk.Length > 0 ? chunk.Bytes : null;
        var length = chunk.Length;
        var rows = _chunkRows;
        if (bytes is not null) chunk.Replace(pipeline.RentChunk());
        _chunkRows = 0;
        if (endOfPart)
        {
            _partsEnded++;
            _partRows = 0;
            _partBytes = 0;
            // Each part decodes on its own, so commit times are delta-encoded from the start of every part.
            _encoder.Reset();
        }
        return pipeline.SendAsync(bytes, length, rows, endOfPart, cancellationToken);
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed) throw new InvalidOperationException($"Batch {_sequence} of {_schema.Table} is already committed; start a new batch.");
    }

    private StagingConflictException AlreadyCommitted() =>
        new(CommitPath, $"Batch {_sequence} of {_schema.Table} is already committed in {_store.Description} ('{CommitPath}'); another writer staged it first.");
}
