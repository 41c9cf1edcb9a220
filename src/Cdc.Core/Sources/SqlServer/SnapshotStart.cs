using Cdc.Core.Model;
using Cdc.Core.Sources.SqlServer.Cdc;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// The position a snapshot's start was read at in this source instance, which every chunk's replica must have reached:
/// a chunk read on a replica behind it would miss changes at or before it, and capture reads only changes after it.
/// </summary>
/// <param name="Position">A <c>ct:</c> position (change tracking) or an <c>lsn:</c> one (CDC).</param>
/// <param name="CdcInstance">CDC: the capture instance whose start the position was bounded by; null for change tracking.</param>
internal sealed record SnapshotStart(string Position, string? CdcInstance)
{
    /// <summary>Why a chunk's replica, having come as far as <paramref name="reached"/> (null: nothing captured there),
    /// is behind this start; null when it is not.</summary>
    public string? Behind(TableId table, string? reached) =>
        reached is not null && SqlServerPositions.Compare(reached, Position) >= 0
            ? null
            : $"The replica reading a snapshot chunk of {table} is behind: it has come to {reached ?? "nothing"}, below {Position} where the snapshot started, "
                + "so the chunk could miss changes that capture, reading only after the start, would never bring";
}
