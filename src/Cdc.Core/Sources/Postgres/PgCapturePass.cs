using Cdc.Core.Model;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace Cdc.Core.Sources.Postgres;

/// <summary>The state of one capture pass: the transaction being read, what was handed over, where it stopped.</summary>
internal sealed class PgCapturePass(PgChangeDecoder decoder, IChangeSink sink, NpgsqlLogSequenceNumber end)
{
    /// <summary>
    /// A transaction's position is the LSN just past the start of its commit record. The server streams from a
    /// position P exactly the transactions whose commit record starts at or after P, so resuming from this position
    /// skips this transaction and everything before it, and includes every later one. Begin messages already carry
    /// the commit's start, so the position can be announced before the rows.
    /// </summary>
    public static NpgsqlLogSequenceNumber TransactionPosition(NpgsqlLogSequenceNumber commitLsn) => new((ulong)commitLsn + 1);

    private readonly AnnouncingSink _transaction = new(sink);
    private DateTimeOffset _commitTime;

    public bool InTransaction { get; private set; }

    public bool ReachedEnd { get; private set; }

    public string Reason { get; private set; } = "stream ended";

    /// <summary>Position of the last transaction read, captured tables or not.</summary>
    public NpgsqlLogSequenceNumber? LastCommit { get; private set; }

    public long Transactions { get; private set; }

    public long Rows { get; private set; }

    public void Stop(bool reachedEnd, string reason)
    {
        ReachedEnd = reachedEnd;
        Reason = reason;
    }

    public async Task HandleAsync(PgOutputReplicationMessage message, CancellationToken cancellationToken)
    {
        switch (message)
        {
            case BeginMessage begin when begin.TransactionFinalLsn >= end:
                // Committed after the end read at the start: left for the next pass.
                Stop(reachedEnd: true, "reached the end");
                break;
            case BeginMessage begin:
                InTransaction = true;
                _transaction.Begin(PgLsn.Format(TransactionPosition(begin.TransactionFinalLsn)));
                _commitTime = new DateTimeOffset(DateTime.SpecifyKind(begin.TransactionCommitTimestamp, DateTimeKind.Utc));
                break;
            case RelationMessage relation:
                await decoder.OnRelationAsync(relation, cancellationToken);
                break;
            case InsertMessage or UpdateMessage or DeleteMessage:
                Rows += await decoder.DecodeAsync(message, _commitTime, _transaction, cancellationToken);
                break;
            case TruncateMessage truncate:
                foreach (var relation in truncate.Relations)
                    if (decoder.Captured(relation) is { } table)
                        throw new SourceException(
                            $"Table {table.Table} was truncated at {PgLsn.Format(truncate.WalStart)}. TRUNCATE is not replicated row by row, so the table must be fully refreshed: request a full refresh of it.");
                break;
            case CommitMessage commit:
                InTransaction = false;
                LastCommit = TransactionPosition(commit.CommitLsn);
                if (_transaction.Announced)
                {
                    await sink.CommitAsync(PgLsn.Format(LastCommit.Value), cancellationToken);
                    Transactions++;
                }
                if (commit.CommitLsn >= end) Stop(reachedEnd: true, "reached the end");
                break;
        }
    }

    /// <summary>Announces a transaction to the sink just before its first captured row, so that transactions with no
    /// rows of the captured tables are never announced or committed.</summary>
    private sealed class AnnouncingSink(IChangeSink inner) : IChangeSink
    {
        private string? _position;

        public bool Announced { get; private set; }

        public void Begin(string position)
        {
            _position = position;
            Announced = false;
        }

        public ValueTask BeginTransactionAsync(string commitPosition, CancellationToken cancellationToken) => inner.BeginTransactionAsync(commitPosition, cancellationToken);

        public ValueTask AdvanceAsync(TableId table, string position, CancellationToken cancellationToken) => inner.AdvanceAsync(table, position, cancellationToken);

        public async ValueTask ChangeAsync(TableSchema schema, ChangeRow row, CancellationToken cancellationToken)
        {
            if (!Announced)
            {
                Announced = true;
                await inner.BeginTransactionAsync(_position!, cancellationToken);
            }
            await inner.ChangeAsync(schema, row, cancellationToken);
        }

        public ValueTask CommitAsync(string position, CancellationToken cancellationToken) => inner.CommitAsync(position, cancellationToken);
    }
}
