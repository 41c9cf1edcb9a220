using Cdc.Core.Model;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// One bounded pass over the replication slot: reads the source's current end, streams pgoutput from the given
/// position, hands every transaction of the captured tables to the sink, and stops once everything committed before
/// that end has been seen. Nothing is acknowledged here.
/// </summary>
internal sealed class PgChangeCapture(
    NpgsqlDataSource dataSource,
    string replicationConnectionString,
    string slot,
    string publication,
    PgRelationSchemas relationSchemas,
    PgSnapshotReader rows,
    ILogger logger)
{
    // The end is the WAL insert position rather than pg_current_wal_lsn() (the write position), which can lag behind
    // commits made with synchronous_commit = off. Writing a WAL record in a transaction (a transactional logical
    // message, which pgoutput does not send unless asked to) and committing with synchronous_commit = local flushes the
    // WAL past the end at once, without waiting for synchronous standbys, so the walsender, which decodes only flushed
    // WAL, gets past the end without waiting for the WAL writer.
    private const string EndSql =
        "SET LOCAL synchronous_commit = local; SELECT pg_catalog.pg_logical_emit_message(true, 'ingest', ''), pg_catalog.pg_current_wal_insert_lsn()";

    /// <summary>How long the stream may be quiet before checking whether the walsender has passed the end.</summary>
    internal TimeSpan IdlePoll { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long the walsender may send nothing at all, not even a keepalive advancing its position, before
    /// capture gives up for this run and returns what it has.</summary>
    internal TimeSpan StallLimit { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long to wait for a previous walsender of the slot to exit.</summary>
    internal TimeSpan SlotBusyLimit { get; init; } = TimeSpan.FromSeconds(30);

    public async Task<string?> CaptureAsync(IReadOnlyList<TableSchema> tables, string? fromPosition, IChangeSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(sink);
        NpgsqlLogSequenceNumber? start = fromPosition is null ? null : PgLsn.Parse(fromPosition);
        var end = await ReadEndAsync(cancellationToken);
        if (start >= end) return fromPosition;
        await PgSlotActivity.WaitUntilIdleAsync(dataSource, slot, SlotBusyLimit, logger, cancellationToken);
        PostgresSourceLog.CaptureStarted(logger, tables.Count, fromPosition ?? "the slot's confirmed position", end);

        var pass = new PgCapturePass(new PgChangeDecoder(tables, relationSchemas, rows, logger), sink, end);
        var options = new PgOutputReplicationOptions(publication, PgOutputProtocolVersion.V1, binary: false);
        await using var connection = new LogicalReplicationConnection(replicationConnectionString);
        await connection.Open(cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var messages = connection.StartReplication(new PgOutputReplicationSlot(slot), options, stop.Token, start).GetAsyncEnumerator(stop.Token);
        Task<bool>? pending = null;
        try
        {
            while (!pass.ReachedEnd)
            {
                var next = messages.MoveNextAsync();
                bool hasMessage;
                if (next.IsCompleted)
                {
                    hasMessage = await next;
                }
                else
                {
                    pending = next.AsTask();
                    var outcome = await WaitAsync(pending, connection, end, () => pass.InTransaction, cancellationToken);
                    if (outcome == WaitOutcome.PassedEnd)
                    {
                        pass.Stop(reachedEnd: true, "caught up");
                        break;
                    }
                    if (outcome == WaitOutcome.Stalled)
                    {
                        PostgresSourceLog.CaptureStalled(logger, end, StallLimit.TotalSeconds, connection.LastReceivedLsn);
                        pass.Stop(reachedEnd: false, "stalled");
                        break;
                    }
                    hasMessage = await pending;
                    pending = null;
                }
                if (!hasMessage) break;
                await pass.HandleAsync(messages.Current, cancellationToken);
            }
        }
        finally
        {
            await StopAsync(stop, pending, messages);
        }

        var reached = pass.ReachedEnd ? Max(pass.LastCommit, end) : pass.LastCommit ?? start;
        var position = reached is { } lsn && (start is null || lsn > start) ? PgLsn.Format(lsn) : fromPosition;
        PostgresSourceLog.CaptureFinished(logger, position, pass.Reason, pass.Transactions, pass.Rows);
        return position;
    }

    private async Task<NpgsqlLogSequenceNumber> ReadEndAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(EndSql, connection, transaction);
        NpgsqlLogSequenceNumber end;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            end = reader.GetFieldValue<NpgsqlLogSequenceNumber>(1);
        }
        await transaction.CommitAsync(cancellationToken);
        return end;
    }

    /// <summary>
    /// Waits for the next message. While none comes, the stream is done once the walsender has reported (through a
    /// keepalive, which it sends when it has caught up with the WAL) a position at or past the end, outside a
    /// transaction: every transaction committed before the end has then been sent, and read, since a keepalive comes
    /// after the messages before it.
    /// </summary>
    private async Task<WaitOutcome> WaitAsync(Task<bool> next, LogicalReplicationConnection connection, NpgsqlLogSequenceNumber end, Func<bool> inTransaction, CancellationToken cancellationToken)
    {
        var lastProgress = connection.LastReceivedLsn;
        var quietSince = DateTime.UtcNow;
        while (true)
        {
            using (var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var winner = await Task.WhenAny(next, Task.Delay(IdlePoll, delay.Token));
                await delay.CancelAsync();
                if (winner == next) return WaitOutcome.Message;
            }
            cancellationToken.ThrowIfCancellationRequested();
            var received = connection.LastReceivedLsn;
            if (!inTransaction() && received >= end) return WaitOutcome.PassedEnd;
            if (received != lastProgress)
            {
                lastProgress = received;
                quietSince = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - quietSince > StallLimit)
            {
                return WaitOutcome.Stalled;
            }
        }
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task<bool>? pending, IAsyncEnumerator<PgOutputReplicationMessage> messages)
    {
        await stop.CancelAsync();
        if (pending is not null)
        {
            try
            {
                await pending;
            }
            catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or InvalidOperationException)
            {
                // Stopping the stream ends the pending read; the connection is discarded next.
            }
        }
        try
        {
            await messages.DisposeAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or InvalidOperationException)
        {
            // Same as above.
        }
    }

    private static NpgsqlLogSequenceNumber Max(NpgsqlLogSequenceNumber? left, NpgsqlLogSequenceNumber right) => left is { } l && l > right ? l : right;

    private enum WaitOutcome
    {
        Message,
        PassedEnd,
        Stalled,
    }
}
