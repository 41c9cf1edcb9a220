using System.Data;
using Cdc.Core.Model;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>
/// Carries out what <see cref="CdcCapturePlanner.Actions"/> decided about a table's capture instances. A failure is
/// logged and capture goes on with the instances there are: the table's changes are still read, only its schema waits.
/// </summary>
/// <param name="reads">The source's sessions (read-only intent), for reading instance names.</param>
/// <param name="ddl">Sessions on the primary, for <c>sys.sp_cdc_enable_table</c> and <c>sys.sp_cdc_disable_table</c>
/// only: a readable secondary refuses them.</param>
internal sealed class CdcInstanceManager(ISourceSessions reads, ISourceSessions ddl, ILogger logger)
{
    /// <summary>SqlClient's default: these are small catalog reads and procedure calls.</summary>
    private const int CommandTimeoutSeconds = 30;

    /// <summary>The sessions reading instance names go through.</summary>
    internal ISourceSessions ReadSessions => reads;

    /// <summary>The sessions creating and dropping instances go through.</summary>
    internal ISourceSessions DdlSessions => ddl;

    /// <summary>Every capture instance name of the database, for naming a new one.</summary>
    public async Task<HashSet<string>> TakenNamesAsync(CancellationToken cancellationToken) =>
        await reads.Retry.ExecuteAsync(async ct =>
        {
            await using var session = await reads.OpenAsync(CommandTimeoutSeconds, ct);
            await using var reader = await session.ReaderAsync(CdcCatalog.InstanceNamesSql, [], CommandBehavior.Default, ct);
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
        // Opening is safe to retry; the statement is not.
        await using var session = await ddl.Retry.ExecuteAsync(async ct => await ddl.OpenAsync(CommandTimeoutSeconds, ct), cancellationToken);
        await session.ExecuteAsync(sql, parameters, cancellationToken);
    }
}
