using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Cdc.Core.Targets.Postgres;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// The temporary table (<c>#ingest_stage</c>, private to the connection, dropped with the session or explicitly) a
/// change batch is bulk-copied into before it is applied set-wise. <c>c{i}</c> holds column i of the batch schema in
/// the target's type, raw columns carry values built in SQL (<see cref="SqlStagedColumns"/>), <c>u{i}</c> flags a
/// value the source did not send (only for columns where that happens), <c>del</c> marks deletes, <c>commit_at</c>
/// is the change's commit time and <c>seq</c> its stage order (the clustered key).
/// </summary>
internal sealed class SqlStageTable
{
    public const string Name = SqlTargetNames.StageTable;
    public const string DeleteColumn = "del";
    public const string AtColumn = "commit_at";
    public const string SeqColumn = "seq";

    public SqlStageTable(SqlTargetLayout layout, IReadOnlyList<bool> flagged)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(flagged);
        Layout = layout;
        Staged = new SqlStagedColumns(layout);
        FlaggedOrdinals = Enumerable.Range(0, flagged.Count).Where(i => flagged[i]).ToList();

        var columns = new List<string>();
        var definitions = new List<string>();
        for (var i = 0; i < layout.DataColumns.Count; i++)
        {
            columns.Add(ValueColumn(i));
            definitions.Add($"{ValueColumn(i)} {SqlStagedColumns.ValueDdl(layout.DataColumns[i].Type)}");
        }
        foreach (var field in Staged.Fields.Where(f => !columns.Contains(f.Name)))
        {
            columns.Add(field.Name);
            definitions.Add($"{field.Name} {field.Ddl}");
        }
        foreach (var i in FlaggedOrdinals)
        {
            columns.Add(FlagColumn(i));
            definitions.Add($"{FlagColumn(i)} bit NOT NULL");
        }
        columns.AddRange([DeleteColumn, AtColumn, SeqColumn]);
        definitions.AddRange([$"{DeleteColumn} bit NOT NULL", $"{AtColumn} datetimeoffset(7) NOT NULL", $"{SeqColumn} int NOT NULL PRIMARY KEY"]);

        var fields = new List<StagedField>(Staged.Fields);
        fields.AddRange(FlaggedOrdinals.Select(i => new StagedField(FlagColumn(i), "bit NOT NULL", typeof(bool))));
        fields.Add(new StagedField(DeleteColumn, "bit NOT NULL", typeof(bool)));
        fields.Add(new StagedField(AtColumn, "datetimeoffset(7) NOT NULL", typeof(DateTimeOffset)));
        fields.Add(new StagedField(SeqColumn, "int NOT NULL", typeof(int)));
        BulkFields = fields;
        DestinationOrdinals = fields.Select(f => columns.IndexOf(f.Name)).ToList();
        _definitions = definitions;
    }

    private readonly IReadOnlyList<string> _definitions;

    public SqlTargetLayout Layout { get; }

    public SqlStagedColumns Staged { get; }

    /// <summary>The batch's columns: target names and types.</summary>
    public IReadOnlyList<SqlTargetColumn> Columns => Layout.DataColumns;

    public IReadOnlyList<int> KeyOrdinals => Layout.Schema.KeyOrdinals;

    public IReadOnlyList<int> FlaggedOrdinals { get; }

    /// <summary>The fields the bulk copy reads, in order.</summary>
    public IReadOnlyList<StagedField> BulkFields { get; }

    /// <summary>Per bulk field, its column's position in the stage table.</summary>
    public IReadOnlyList<int> DestinationOrdinals { get; }

    public static string ValueColumn(int ordinal) => SqlStagedColumns.ValueColumn(ordinal);

    public static string FlagColumn(int ordinal) => "u" + ordinal.ToString(CultureInfo.InvariantCulture);

    public string CreateSql() => $"CREATE TABLE {Name} ({string.Join(", ", _definitions)})";

    /// <summary>Builds the converted columns from their raw parts, or null when the batch has none. Depends on the
    /// staged rows (the sql_variant base types that occur), so it is built after the copy.</summary>
    public string? ConversionSql()
    {
        if (Staged.ConvertedOrdinals.Count == 0) return null;
        var sets = Staged.ConvertedOrdinals.Select(i => $"{ValueColumn(i)} = {Staged.ConversionExpression(i, "")}");
        return $"UPDATE {Name} SET {string.Join(", ", sets)}";
    }

    public static string DropSql() => $"DROP TABLE {Name}";

    /// <summary>The bulk-copy rows of <paramref name="changes"/>, in stage order. The array is reused row by row.</summary>
    public async IAsyncEnumerable<object?[]> RowsAsync(IReadOnlyList<NetChange> changes, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var row = new object?[BulkFields.Count];
        var dataFields = Staged.Fields.Count;
        for (var seq = 0; seq < changes.Count; seq++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var change = changes[seq];
            Staged.Project(change.Values, keysOnly: change.IsDelete, row, 0);
            var at = dataFields;
            foreach (var i in FlaggedOrdinals) row[at++] = !change.IsDelete && ReferenceEquals(change.Values[i], Unchanged.Value);
            row[at++] = change.IsDelete;
            row[at++] = change.At;
            row[at] = seq;
            yield return row;
        }
        await Task.CompletedTask;
    }

    /// <summary>Creates the table, copies <paramref name="changes"/> into it and builds the converted columns.</summary>
    public async Task FillAsync(SqlConnection connection, SqlTransaction transaction, IReadOnlyList<NetChange> changes, CancellationToken cancellationToken)
    {
        await SqlCommands.ExecuteAsync(connection, transaction, CreateSql(), cancellationToken);
        await SqlBulkLoad.CopyAsync(connection, transaction, Name, BulkFields, DestinationOrdinals, RowsAsync(changes, cancellationToken), cancellationToken);
        if (ConversionSql() is { } conversion) await SqlCommands.ExecuteAsync(connection, transaction, conversion, cancellationToken);
    }

    /// <summary><c>t.[k1] = s.c0 AND t.[k2] = s.c3</c>: target key columns against their stage columns.</summary>
    public string KeyJoin(string target = "t", string staged = "s")
    {
        var text = new StringBuilder();
        foreach (var i in KeyOrdinals)
        {
            if (text.Length > 0) text.Append(" AND ");
            text.Append(target).Append('.').Append(SqlName.Quote(Columns[i].Name)).Append(" = ").Append(staged).Append('.').Append(ValueColumn(i));
        }
        return text.ToString();
    }
}
