using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>
/// Carries out what <see cref="CdcCapturePlanner.Actions"/> decided about a table's capture instances. A failure is
/// logged and capture goes on with the instances there are: the table's changes are still read, only its schema waits.
/// </summary>
internal sealed class CdcInstanceManager(SqlConnectionFactory connections, ILogger logger)
{
    /// <summary>Every capture instance name of the database, for naming a new one.</summary>
    public async Task<HashSet<string>> TakenNamesAsync(CancellationToken cancellationToken) =>
        await connections.Retry.ExecuteAsync(async ct =>
        {
            await using var connection = await connections.OpenAsync(ct);
            await using var command = new SqlCommand(CdcCatalog.InstanceNamesSql, connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            while (await reader.ReadAsync(ct)) names.Add(reader.GetString(0));
            return names;
        }, cancellationToken);

    /// <param name="taken">Gets the name of an instance created here.</param>
    public async Task ApplyAsync(TableId table, CdcInstanceAction action, HashSet<string> taken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(taken);
        switch (action)
        {
            case CreateCaptureInstance create:
                try
                {
                    await ExecuteAsync(CdcStatements.EnableTableSql, CdcStatements.EnableTableParameters(table, create.Name, create.Template), cancellationToken);
                    taken.Add(create.Name);
                    CdcLog.InstanceCreated(logger, table, create.Name, create.Template.Name);
                }
                catch (Exception ex) when (ex is SqlException or SourceException)
                {
                    CdcLog.InstanceActionFailed(logger, ex, "create", table, create.Name);
                }
                break;
            case DropCaptureInstance drop:
                try
                {
                    await ExecuteAsync(CdcStatements.DisableTableSql, CdcStatements.DisableTableParameters(table, drop.Instance.Name), cancellationToken);
                    CdcLog.InstanceDropped(logger, table, drop.Instance.Name, drop.SwitchedAt);
                }
                catch (Exception ex) when (ex is SqlException or SourceException)
                {
                    CdcLog.InstanceActionFailed(logger, ex, "drop", table, drop.Instance.Name);
                }
                break;
            case CaptureInstanceCreationWaits waits:
                CdcLog.InstanceCreationWaits(logger, waits.Reason);
                break;
        }
    }

    /// <summary>Not retried: a repeat after a lost reply would fail on the instance the first attempt created or dropped.</summary>
    private async Task ExecuteAsync(string sql, IReadOnlyList<SqlParameter> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var command = new SqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(parameter);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
