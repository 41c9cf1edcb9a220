using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Cdc.Core.Sources.Postgres;

/// <summary>Reads and advances a replication slot through ordinary SQL (pg_replication_slots, pg_replication_slot_advance).</summary>
internal static class PgSlotActivity
{
    private const string SlotStateSql = "SELECT active_pid, confirmed_flush_lsn FROM pg_catalog.pg_replication_slots WHERE slot_name = $1";

    /// <summary>The slot's confirmed position: everything before it was acknowledged and will not be sent again.</summary>
    public static async Task<NpgsqlLogSequenceNumber?> ReadConfirmedAsync(NpgsqlDataSource dataSource, string slot, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var state = await ReadStateAsync(connection, slot, cancellationToken);
        return state?.Confirmed;
    }

    /// <summary>Waits until no walsender holds the slot: a capture's walsender exits shortly after its connection
    /// closes, and the slot cannot be streamed or advanced until then.</summary>
    public static async Task WaitUntilIdleAsync(NpgsqlDataSource dataSource, string slot, TimeSpan limit, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await WaitUntilIdleAsync(connection, slot, limit, logger, cancellationToken);
    }

    /// <summary>Moves the slot's confirmed position forward to <paramref name="target"/>; never backwards.</summary>
    public static async Task AdvanceAsync(NpgsqlDataSource dataSource, string slot, NpgsqlLogSequenceNumber target, TimeSpan busyLimit, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var confirmed = await WaitUntilIdleAsync(connection, slot, busyLimit, logger, cancellationToken);
            if (confirmed is { } current && current >= target)
            {
                PostgresSourceLog.AcknowledgeSkipped(logger, slot, current, target);
                return;
            }
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_catalog.pg_replication_slot_advance($1, $2)", connection);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slot });
                command.Parameters.Add(PgParameters.Lsn(target));
                await command.ExecuteNonQueryAsync(cancellationToken);
                PostgresSourceLog.SlotAdvanced(logger, slot, confirmed, target);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && deadline.Elapsed < busyLimit)
            {
                // Taken between the check and the call; wait again.
            }
        }
    }

    private static async Task<NpgsqlLogSequenceNumber?> WaitUntilIdleAsync(NpgsqlConnection connection, string slot, TimeSpan limit, ILogger logger, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var state = await ReadStateAsync(connection, slot, cancellationToken)
                ?? throw new SourceException($"Replication slot {slot} does not exist in the source database; preparing the source creates it (it may have been dropped, in which case every table needs a full refresh).");
            if (state.ActivePid is not { } pid) return state.Confirmed;
            if (waited.Elapsed > limit)
                throw new SourceException($"Replication slot {slot} is in use by server process {pid}: another capture of this pipeline, or another client, is reading it. Stop that reader, or give this pipeline its own slot.");
            PostgresSourceLog.SlotBusy(logger, slot, pid);
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    private static async Task<SlotState?> ReadStateAsync(NpgsqlConnection connection, string slot, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SlotStateSql, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slot });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new SlotState(
            reader.IsDBNull(0) ? null : reader.GetInt32(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<NpgsqlLogSequenceNumber>(1));
    }

    private sealed record SlotState(int? ActivePid, NpgsqlLogSequenceNumber? Confirmed);
}
