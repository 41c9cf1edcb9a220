using Cdc.Core.Model;
using Npgsql.Replication;
using NpgsqlTypes;

namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// The snapshot a replication slot exported when it was created, kept alive by leaving the creating replication
/// connection open and idle (its transaction holds the snapshot). Tables whose initial snapshot is read through it
/// see exactly the data at the slot's consistent point. It is released once every table it was kept for has ended
/// its snapshot, when capture starts, or on dispose.
/// </summary>
internal sealed class PgExportedSnapshot(LogicalReplicationConnection connection, string name, NpgsqlLogSequenceNumber consistentPoint, IEnumerable<TableId> owedTo)
    : IAsyncDisposable
{
    private readonly HashSet<TableId> _owedTo = [.. owedTo];
    private readonly Lock _gate = new();

    public string Name { get; } = name;

    public NpgsqlLogSequenceNumber ConsistentPoint { get; } = consistentPoint;

    /// <summary>A table starts reading through the snapshot; it holds the snapshot until it ends.</summary>
    public void Hold(TableId table)
    {
        lock (_gate) _owedTo.Add(table);
    }

    /// <summary>A table is done with the snapshot; true when no table needs it any more.</summary>
    public bool Release(TableId table)
    {
        lock (_gate)
        {
            _owedTo.Remove(table);
            return _owedTo.Count == 0;
        }
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
