using System.Data;
using System.Data.Common;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.SqlServer;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Tests.Sources.SqlServer;

/// <summary>Helpers for the SQL Server source tests: result-set fakes, a recording sink, a connector for offline use.</summary>
internal static class SqlServerTestSupport
{
    /// <summary>A connector whose connection string points nowhere; for what needs no server.</summary>
    public static SqlServerSourceConnector OfflineConnector() =>
        new(new SqlConnectionFactory("Server=127.0.0.1,1;Database=offline;User ID=u;Password=p", SqlServerAuthentication.ConnectionString, readOnlyIntent: true),
            new SqlServerSourceOptions(), NullLogger.Instance);

    /// <summary>A result set shaped like the server's: the given column names and CLR types, then rows.</summary>
    public static DbDataReader ResultSet((string Name, Type Type)[] columns, params object?[][] rows)
    {
        var table = new DataTable();
        foreach (var (name, type) in columns) table.Columns.Add(new DataColumn(name, type) { AllowDBNull = true });
        foreach (var row in rows) table.Rows.Add(row.Select(v => v ?? DBNull.Value).ToArray());
        return table.CreateDataReader();
    }

    /// <summary>One value in a one-column result set, positioned on its row.</summary>
    public static DbDataReader Single(Type type, object? value)
    {
        var reader = ResultSet([("v", type)], [value]);
        reader.Read().Should().BeTrue();
        return reader;
    }

    public static ColumnSchema Column(string name, string type, int maxLength = 0, int precision = 0, int scale = 0, bool nullable = true) =>
        SqlServerTypeMapping.Map(name, type, maxLength, precision, scale, nullable);
}

/// <summary>Records what a source hands to its sink, transaction by transaction.</summary>
internal sealed class RecordedChanges : IChangeSink
{
    public List<(string Position, List<(TableSchema Schema, ChangeRow Row)> Rows)> Transactions { get; } = [];

    public List<string> Events { get; } = [];

    private (string Position, List<(TableSchema, ChangeRow)> Rows)? _open;

    public ValueTask BeginTransactionAsync(string commitPosition, CancellationToken cancellationToken)
    {
        if (_open is not null) throw new InvalidOperationException($"Transaction {commitPosition} began inside {_open.Value.Position}.");
        _open = (commitPosition, []);
        Events.Add("begin " + commitPosition);
        return ValueTask.CompletedTask;
    }

    public ValueTask ChangeAsync(TableSchema schema, ChangeRow row, CancellationToken cancellationToken)
    {
        if (_open is null) throw new InvalidOperationException("A change came outside a transaction.");
        _open.Value.Rows.Add((schema, row));
        Events.Add($"{row.Kind} {schema.Table}");
        return ValueTask.CompletedTask;
    }

    public ValueTask CommitAsync(string position, CancellationToken cancellationToken)
    {
        if (_open is not { } open || open.Position != position) throw new InvalidOperationException($"Commit {position} does not match the open transaction.");
        Transactions.Add((open.Position, open.Rows));
        _open = null;
        Events.Add("commit " + position);
        return ValueTask.CompletedTask;
    }

    public ValueTask AdvanceAsync(TableId table, string position, CancellationToken cancellationToken)
    {
        if (_open is not null) throw new InvalidOperationException($"{table} advanced to {position} inside transaction {_open.Value.Position}.");
        Events.Add($"advance {table} {position}");
        return ValueTask.CompletedTask;
    }

    public IEnumerable<(TableSchema Schema, ChangeRow Row)> Rows => Transactions.SelectMany(t => t.Rows);
}
