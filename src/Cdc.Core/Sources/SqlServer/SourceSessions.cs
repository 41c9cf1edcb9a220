using System.Data;
using System.Data.Common;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;
using Polly;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// Opens sessions on a SQL Server database: the reads that send several statements over one connection, most of them in
/// one SNAPSHOT transaction, go through it, so the order and text of what they send can be checked without a server.
/// </summary>
internal interface ISourceSessions
{
    /// <summary>Retries transient failures (<see cref="SqlConnectionFactory.Retry"/>).</summary>
    ResiliencePipeline Retry { get; }

    /// <summary>The database the connections open; messages name it.</summary>
    string Database { get; }

    Task<ISourceSession> OpenAsync(int commandTimeoutSeconds, CancellationToken cancellationToken);
}

/// <summary>One open connection. Statements after <see cref="BeginSnapshotAsync"/> run in its SNAPSHOT transaction, which
/// sees the database as of its first read; disposing without <see cref="CommitAsync"/> rolls it back.</summary>
internal interface ISourceSession : IAsyncDisposable
{
    Task BeginSnapshotAsync(CancellationToken cancellationToken);

    /// <summary>The first row's values (NULL as null), or null when the statement returns no row.</summary>
    Task<object?[]?> RowAsync(string sql, IReadOnlyList<SqlParameter> parameters, CancellationToken cancellationToken);

    /// <summary>The caller disposes the reader before the session's next statement.</summary>
    Task<DbDataReader> ReaderAsync(string sql, IReadOnlyList<SqlParameter> parameters, CommandBehavior behavior, CancellationToken cancellationToken);

    /// <summary>A statement returning no rows (a stored procedure call).</summary>
    Task ExecuteAsync(string sql, IReadOnlyList<SqlParameter> parameters, CancellationToken cancellationToken);

    Task CommitAsync(CancellationToken cancellationToken);
}

/// <summary>Sessions over connections of a <see cref="SqlConnectionFactory"/>.</summary>
internal sealed class SqlSourceSessions(SqlConnectionFactory connections) : ISourceSessions
{
    /// <summary>The factory the sessions open connections with (its intent decides which replica they reach).</summary>
    public SqlConnectionFactory Connections => connections;

    public ResiliencePipeline Retry => connections.Retry;

    public string Database => connections.Database;

    public async Task<ISourceSession> OpenAsync(int commandTimeoutSeconds, CancellationToken cancellationToken) =>
        new SqlSourceSession(await connections.OpenAsync(cancellationToken), commandTimeoutSeconds);

    private sealed class SqlSourceSession(SqlConnection connection, int commandTimeoutSeconds) : ISourceSession
    {
        private readonly List<SqlCommand> _commands = [];
        private SqlTransaction? _transaction;

        public async Task BeginSnapshotAsync(CancellationToken cancellationToken)
        {
            if (_transaction is not null) throw new InvalidOperationException("The session's SNAPSHOT transaction has begun already.");
            _transaction = (SqlTransaction)await connection.BeginTransactionAsync(IsolationLevel.Snapshot, cancellationToken);
        }

        public async Task<object?[]?> RowAsync(string sql, IReadOnlyList<SqlParameter> parameters, CancellationToken cancellationToken)
        {
            await using var reader = await ReaderAsync(sql, parameters, CommandBehavior.SingleRow, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) return null;
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++) values[i] = await reader.IsDBNullAsync(i, cancellationToken) ? null : reader.GetValue(i);
            return values;
        }

        public async Task<DbDataReader> ReaderAsync(string sql, IReadOnlyList<SqlParameter> parameters, CommandBehavior behavior, CancellationToken cancellationToken) =>
            await Command(sql, parameters).ExecuteReaderAsync(behavior, cancellationToken);

        public async Task ExecuteAsync(string sql, IReadOnlyList<SqlParameter> parameters, CancellationToken cancellationToken) =>
            await Command(sql, parameters).ExecuteNonQueryAsync(cancellationToken);

        public Task CommitAsync(CancellationToken cancellationToken) =>
            (_transaction ?? throw new InvalidOperationException("The session has no transaction to commit.")).CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            foreach (var command in _commands) await command.DisposeAsync();
            if (_transaction is not null) await _transaction.DisposeAsync();
            await connection.DisposeAsync();
        }

        private SqlCommand Command(string sql, IReadOnlyList<SqlParameter> parameters)
        {
            var command = new SqlCommand(sql, connection, _transaction) { CommandTimeout = commandTimeoutSeconds };
            _commands.Add(command);
            // A parameter belongs to one command; a copy lets callers build their list once and retry with it.
            foreach (var parameter in parameters) command.Parameters.Add((SqlParameter)((ICloneable)parameter).Clone());
            return command;
        }
    }
}
