namespace Cdc.Core.Targets;

/// <summary>A staged value that the target cannot store, named by table, column and row key. Nothing of the batch
/// (or snapshot) it belongs to was applied.</summary>
public sealed class TargetValueException(string table, string column, string key, string reason, Exception? inner = null)
    : Exception($"Cannot write column \"{column}\" of {table} for the row with key ({key}): {reason}", inner)
{
    public string Table { get; } = table;
    public string Column { get; } = column;
    public string Key { get; } = key;
}
