using Cdc.Core.Model;
using Cdc.Core.Sources;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

/// <summary>Records what a source hands over, in order.</summary>
internal sealed class RecordingSink : IChangeSink
{
    public List<string> Events { get; } = [];
    public List<(TableSchema Schema, ChangeRow Row)> Rows { get; } = [];

    public ValueTask BeginTransactionAsync(string commitPosition, CancellationToken cancellationToken)
    {
        Events.Add("begin " + commitPosition);
        return ValueTask.CompletedTask;
    }

    public ValueTask ChangeAsync(TableSchema schema, ChangeRow row, CancellationToken cancellationToken)
    {
        Rows.Add((schema, row));
        Events.Add($"{row.Kind} {schema.Table} {string.Join(",", row.Values.Select(Show))}");
        return ValueTask.CompletedTask;
    }

    public ValueTask CommitAsync(string position, CancellationToken cancellationToken)
    {
        Events.Add("commit " + position);
        return ValueTask.CompletedTask;
    }

    public ValueTask AdvanceAsync(TableId table, string position, CancellationToken cancellationToken)
    {
        Events.Add($"advance {table} {position}");
        return ValueTask.CompletedTask;
    }

    public static string Show(object? value) => value switch
    {
        null => "null",
        Unchanged => "?",
        byte[] bytes => "0x" + Convert.ToHexString(bytes),
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
