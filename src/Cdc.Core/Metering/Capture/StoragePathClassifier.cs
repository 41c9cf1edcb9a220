using Cdc.Core.Model;
using Cdc.Core.Staging;
using Cdc.Core.State;

namespace Cdc.Core.Metering;

/// <summary>What a staging request touches, read from its path (docs/staging-format.md): a table's batch files,
/// commit records, gateway state or quarantine, or something of the pipeline as a whole (lease, run history).</summary>
internal enum StorageArea
{
    Pipeline,
    BatchData,
    CommitRecords,
    TableState,
    Quarantine,
}

internal static class StoragePathClassifier
{
    public static (TableId? Table, StorageArea Area) Classify(string path)
    {
        var parts = path.Split('/');
        if (parts.Length >= 2 && parts[0] == StagingLayout.TablesFolder && TryTable(parts[1], out var table))
            return (table, parts.Length >= 3 && parts[2] == "batches" ? StorageArea.BatchData : StorageArea.CommitRecords);
        if (GatewayStateStore.TryParseTablePath(path, out var stateTable))
            return (stateTable, StorageArea.TableState);
        if (parts.Length >= 2 && parts[0] == StagingLayout.QuarantineFolder && TryTable(parts[1], out var quarantined))
            return (quarantined, StorageArea.Quarantine);
        return (null, StorageArea.Pipeline);
    }

    private static bool TryTable(string segment, out TableId table)
    {
        table = default;
        if (segment.Length == 0) return false;
        try
        {
            table = TableId.FromPathSegment(segment);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
