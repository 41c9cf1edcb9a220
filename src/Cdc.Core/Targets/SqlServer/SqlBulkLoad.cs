using System.Runtime.ExceptionServices;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>
/// Streams staged rows into a table with SqlBulkCopy: a table lock (a bulk update lock, which also allows minimal
/// logging into an empty heap), NULLs kept as NULLs rather than replaced by defaults, one batch for the whole
/// stream inside the caller's transaction, streaming of (max) values, and no timeout.
/// </summary>
internal static class SqlBulkLoad
{
    public const SqlBulkCopyOptions Options = SqlBulkCopyOptions.TableLock | SqlBulkCopyOptions.KeepNulls;

    /// <param name="destination">The quoted table name (<c>[s].[t]</c> or <c>#t</c>).</param>
    /// <param name="destinationOrdinals">Per field, the destination column's position in the table.</param>
    /// <returns>Rows copied.</returns>
    public static async Task<long> CopyAsync(SqlConnection connection, SqlTransaction transaction, string destination,
        IReadOnlyList<StagedField> fields, IReadOnlyList<int> destinationOrdinals, IAsyncEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        await using var reader = new StagedRowReader(fields, rows, cancellationToken);
        using var bulk = Create(connection, transaction, destination);
        for (var i = 0; i < fields.Count; i++) bulk.ColumnMappings.Add(i, destinationOrdinals[i]);
        try
        {
            await bulk.WriteToServerAsync(reader, cancellationToken);
        }
        catch (Exception e) when (reader.Failure is { } failure && !ReferenceEquals(e, failure))
        {
            // SqlBulkCopy wraps what the reader threw; the original says what went wrong.
            ExceptionDispatchInfo.Throw(failure);
        }
        return reader.RowsRead;
    }

    public static SqlBulkCopy Create(SqlConnection connection, SqlTransaction transaction, string destination) =>
        new(connection, Options, transaction)
        {
            DestinationTableName = destination,
            EnableStreaming = true,
            BatchSize = 0,
            BulkCopyTimeout = 0,
        };
}
