using System.Data;
using System.Runtime.CompilerServices;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// Reads snapshot chunks, each in its own SNAPSHOT transaction: a consistent chunk that takes no locks, so writers
/// are never blocked. A transient failure before the first row is retried; after it the chunk fails and the gateway
/// reads it again from its checkpoint.
/// </summary>
internal sealed class SqlServerSnapshotReader(SqlConnectionFactory connections)
{
    /// <summary>Snapshot and change statements may scan and sort much more than a small query; the default 30 s is
    /// too short for a chunk keyed by unindexed declared keys.</summary>
    public const int CommandTimeoutSeconds = 600;

    public async IAsyncEnumerable<object?[]> ReadChunkAsync(
        TableSchema table, object?[]? afterKey, int maxRows, IReadOnlySet<string>? absent, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var open = await connections.Retry.ExecuteAsync(async ct =>
        {
            var (sql, parameters) = SqlServerSnapshotQuery.Chunk(table, afterKey, maxRows, absent);
            var connection = await connections.OpenAsync(ct);
            SqlTransaction? transaction = null;
            SqlCommand? command = null;
            try
            {
                transaction = (SqlTransaction)await connection.BeginTransactionAsync(IsolationLevel.Snapshot, ct);
                command = new SqlCommand(sql, connection, transaction) { CommandTimeout = CommandTimeoutSeconds };
                command.Parameters.AddRange(parameters.ToArray());
                var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
                var first = await reader.ReadAsync(ct);
                return new OpenChunk(connection, transaction, command, reader, first);
            }
            catch
            {
                if (command is not null) await command.DisposeAsync();
                if (transaction is not null) await transaction.DisposeAsync();
                await connection.DisposeAsync();
                throw;
            }
        }, cancellationToken);

        await using (open)
        {
            var hasRow = open.First;
            while (hasRow)
            {
                yield return ReadRow(table, open.Reader);
                hasRow = await open.Reader.ReadAsync(cancellationToken);
            }
            await open.Reader.DisposeAsync();
            await open.Transaction.CommitAsync(cancellationToken);
        }
    }

    internal static object?[] ReadRow(TableSchema table, System.Data.Common.DbDataReader reader)
    {
        var values = new object?[table.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            try
            {
                values[i] = SqlServerValues.Read(reader, i, table.Columns[i]);
            }
            catch (Exception ex) when (ex is InvalidCastException or OverflowException or FormatException or ArgumentOutOfRangeException)
            {
                var key = string.Join(", ", table.KeyOrdinals.Where(o => o < i).Select(o => $"{table.Columns[o].Name}={values[o] ?? "NULL"}"));
                throw new SourceException(
                    $"Column \"{table.Columns[i].Name}\" ({table.Columns[i].SourceType}) of table {table.Table} in the row with key ({key}) could not be read: {ex.Message}", ex);
            }
        }
        return values;
    }

    private sealed class OpenChunk(SqlConnection connection, SqlTransaction transaction, SqlCommand command, SqlDataReader reader, bool first) : IAsyncDisposable
    {
        public SqlTransaction Transaction { get; } = transaction;
        public SqlDataReader Reader { get; } = reader;
        public bool First { get; } = first;

        public async ValueTask DisposeAsync()
        {
            await Reader.DisposeAsync();
            await command.DisposeAsync();
            await Transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
