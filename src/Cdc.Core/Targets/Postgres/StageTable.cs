using System.Text;
using Cdc.Core.Model;
using Cdc.Core.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// The temporary table (dropped at commit or rollback) a change batch is copied into before it is applied set-wise.
/// Its columns are positional so that no source name can collide with them: <c>c{i}</c> holds column i of the batch
/// schema in the batch's type, <c>u{i}</c> flags a value the source did not send (only for columns where that
/// happens), <c>del</c> marks deletes, <c>commit_at</c> is the change's commit time and <c>seq</c> its stage order.
/// </summary>
internal sealed class StageTable
{
    public const string Name = "__ingest_stage";
    public const string DeleteColumn = "del";
    public const string AtColumn = "commit_at";
    public const string SeqColumn = "seq";

    public StageTable(TargetTableLayout layout, IReadOnlyList<bool> flagged)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(flagged);
        Layout = layout;
        FlaggedOrdinals = Enumerable.Range(0, flagged.Count).Where(i => flagged[i]).ToList();
    }

    public static string QualifiedName { get; } = "pg_temp." + PgIdentifier.Quote(Name);

    public TargetTableLayout Layout { get; }

    /// <summary>The batch's columns: target names, batch types.</summary>
    public IReadOnlyList<TargetColumn> Columns => Layout.DataColumns;

    public IReadOnlyList<int> KeyOrdinals => Layout.Schema.KeyOrdinals;

    public IReadOnlyList<int> FlaggedOrdinals { get; }

    public static string ValueColumn(int ordinal) => "c" + ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string FlagColumn(int ordinal) => "u" + ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string CreateSql()
    {
        var sql = new StringBuilder("CREATE TEMP TABLE ").Append(PgIdentifier.Quote(Name)).Append(" (");
        for (var i = 0; i < Columns.Count; i++) sql.Append(ValueColumn(i)).Append(' ').Append(Columns[i].Type.Sql).Append(", ");
        foreach (var i in FlaggedOrdinals) sql.Append(FlagColumn(i)).Append(" boolean NOT NULL, ");
        sql.Append(DeleteColumn).Append(" boolean NOT NULL, ").Append(AtColumn).Append(" timestamptz NOT NULL, ").Append(SeqColumn).Append(" integer NOT NULL");
        return sql.Append(") ON COMMIT DROP").ToString();
    }

    private string CopySql()
    {
        var columns = Enumerable.Range(0, Columns.Count).Select(ValueColumn)
            .Concat(FlaggedOrdinals.Select(FlagColumn))
            .Append(DeleteColumn).Append(AtColumn).Append(SeqColumn);
        return $"COPY {QualifiedName} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)";
    }

    /// <summary>Creates the table and copies <paramref name="changes"/> into it. Deletes carry only their key values.</summary>
    public async Task FillAsync(NpgsqlConnection connection, IReadOnlyList<NetChange> changes, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand(CreateSql(), connection)) await create.ExecuteNonQueryAsync(cancellationToken);

        var schema = Layout.Schema;
        var isKey = new bool[Columns.Count];
        foreach (var k in KeyOrdinals) isKey[k] = true;
        var fields = Columns.Count + FlaggedOrdinals.Count + 3;
        await using var copy = await PgCopyRowWriter.BeginAsync(connection, CopySql(), cancellationToken);
        for (var seq = 0; seq < changes.Count; seq++)
        {
            var change = changes[seq];
            await copy.StartRowAsync(fields, cancellationToken);
            for (var i = 0; i < Columns.Count; i++)
            {
                var value = change.Values[i];
                if (value is null || ReferenceEquals(value, Unchanged.Value) || (change.IsDelete && !isKey[i]))
                {
                    copy.WriteNull();
                    continue;
                }
                try
                {
                    copy.Write(schema.Columns[i].Type, Columns[i].Type, value);
                }
                catch (Exception e) when (e is InvalidCastException or ArgumentException)
                {
                    throw ValueError(Layout, i, change.Values, value, e);
                }
            }
            foreach (var i in FlaggedOrdinals)
                copy.WriteBoolean(!change.IsDelete && ReferenceEquals(change.Values[i], Unchanged.Value));
            copy.WriteBoolean(change.IsDelete);
            copy.WriteTimestampTz(change.At);
            copy.WriteInt32(seq);
        }
        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>The error for a value that cannot be written, naming the table, column and row key.</summary>
    public static TargetValueException ValueError(TargetTableLayout layout, int ordinal, object?[] row, object value, Exception error)
    {
        var column = layout.Schema.Columns[ordinal];
        var reason = error is InvalidCastException
            ? $"the value is a {value.GetType().Name}, but a {column.Type} column carries {LogicalTypeClr.ClrTypeOf(column.Type).Name} values"
            : error.Message;
        return new TargetValueException(PgIdentifier.Qualified(layout.Flow.TargetSchema, layout.Flow.TargetTable), column.Name, RowDescriber.Key(layout.Schema, row), reason, error);
    }
}
