using System.Collections.Concurrent;
using System.Threading.Channels;
using Cdc.Core.Model;
using Cdc.Core.Staging.Format;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Staging;

/// <summary>
/// The background half of a <see cref="BatchWriter"/>: receives chunks of encoded rows, compresses them into part files
/// and writes each finished part to the store, while the caller goes on reading and encoding rows. A bounded queue
/// keeps the caller at most a few chunks ahead; two file buffers let one part upload while the next is compressed.
/// </summary>
internal sealed class PartPipeline : IAsyncDisposable
{
    public const int ChunkBytes = 64 * 1024;
    private const int QueuedChunks = 16;

    private readonly IStagingStore _store;
    private readonly ILogger _logger;
    private readonly TableSchema _schema;
    private readonly long _sequence;
    private readonly BatchKind _kind;
    private readonly int _snapshotGeneration;
    private readonly Channel<Chunk> _queue = Channel.CreateBounded<Chunk>(
        new BoundedChannelOptions(QueuedChunks) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly ConcurrentQueue<byte[]> _freeChunks = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<StagedFileInfo> _files = [];
    private readonly Task _consumer;
    private StagedFileBuilder _current;
    private StagedFileBuilder _other;
    private Task? _upload;
    private long _bytesWritten;
    private int _partsFinished;

    public PartPipeline(IStagingStore store, ILogger logger, TableSchema schema, long sequence, BatchKind kind, int snapshotGeneration)
    {
        _store = store;
        _logger = logger;
        _schema = schema;
        _sequence = sequence;
        _kind = kind;
        _snapshotGeneration = snapshotGeneration;
        _current = new StagedFileBuilder(schema);
        _other = new StagedFileBuilder(schema);
        _consumer = Task.Run(ConsumeAsync);
    }

    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>An empty chunk array, recycled from chunks already compressed when possible.</summary>
    public byte[] RentChunk() => _freeChunks.TryDequeue(out var chunk) ? chunk : new byte[ChunkBytes * 2];

    /// <param name="bytes">Encoded rows (ownership passes to the pipeline), or null to only end the part.</param>
    public ValueTask SendAsync(byte[]? bytes, int length, int rows, bool endOfPart, CancellationToken cancellationToken)
    {
        var chunk = new Chunk(bytes, length, rows, endOfPart);
        return _queue.Writer.TryWrite(chunk) ? default : new ValueTask(SendSlowAsync(chunk, cancellationToken));
    }

    /// <summary>Waits for every part to be written and returns them in order.</summary>
    public async Task<IReadOnlyList<StagedFileInfo>> CompleteAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await _consumer.WaitAsync(cancellationToken);
        return _files;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
            await _consumer;
        }
        catch (Exception)
        {
            // The batch is being abandoned (or its failure was already reported to the writer): disposing must not throw.
        }
        _current.Dispose();
        _other.Dispose();
        _stop.Dispose();
    }

    private async Task SendSlowAsync(Chunk chunk, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(chunk, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // The consumer stopped on an error: surface that error, not the closed queue.
            await _consumer;
            throw;
        }
    }

    private async Task ConsumeAsync()
    {
        try
        {
            await foreach (var chunk in _queue.Reader.ReadAllAsync(_stop.Token))
            {
                if (chunk.Bytes is not null)
                {
                    if (!_current.IsOpen) _current.Begin(_kind, _sequence, _partsFinished, _snapshotGeneration);
                    _current.Append(chunk.Bytes.AsSpan(0, chunk.Length), chunk.Rows);
                    if (chunk.Bytes.Length == ChunkBytes * 2) _freeChunks.Enqueue(chunk.Bytes);
                }
                if (chunk.EndOfPart && _current.IsOpen)
                {
                    // The other buffer's part must be in the store before that buffer is reused.
                    if (_upload is not null) await _upload;
                    var content = _current.Finish();
                    _upload = UploadAsync(content, _partsFinished++);
                    (_current, _other) = (_other, _current);
                }
            }
            if (_upload is not null) await _upload;
        }
        catch (Exception e)
        {
            _queue.Writer.TryComplete(e);
            throw;
        }
    }

    private async Task UploadAsync(StagedFileContent content, int part)
    {
        var path = StagingLayout.PartPath(_schema.Table, _sequence, part);
        await _store.WriteAsync(path, content.Bytes, WriteCondition.None, _stop.Token);
        _files.Add(new StagedFileInfo(path, content.Bytes.Length, content.Sha256, content.Rows));
        Interlocked.Add(ref _bytesWritten, content.Bytes.Length);
        StagingLog.PartWritten(_logger, path, content.Rows, content.Bytes.Length, content.UncompressedBytes);
    }

    private readonly record struct Chunk(byte[]? Bytes, int Length, int Rows, bool EndOfPart);
}
