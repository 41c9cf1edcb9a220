using System.Data;
using System.Diagnostics;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>
/// Waits until CDC's capture job (a SQL Server Agent job that reads the log into change tables) has harvested every
/// transaction committed so far in a database. A marker row is inserted into a small CDC-tracked table after the
/// changes; the log is harvested in commit order, so once <c>sys.fn_cdc_get_max_lsn()</c> reaches the LSN of the
/// marker's change row, every earlier commit is in the change tables too. The wait also requires every capture
/// instance to be started (its <c>start_lsn</c> set), so a new instance counts only once it records changes.
/// </summary>
public sealed class CdcHarvest(string connectionString)
{
    public const string MarkerTable = "ingest_harvest_marker";

    /// <summary>Generous: the capture job scans every second here, and every 5 seconds by default.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    private const string StateSql = $"""
        DECLARE @marker binary(10) = (SELECT TOP (1) m.[__$start_lsn] FROM [cdc].[{MarkerTable}_CT] AS m WHERE m.[token] = @token);
        DECLARE @max binary(10) = sys.fn_cdc_get_max_lsn();
        SELECT CAST(CASE WHEN @marker IS NULL THEN 0 ELSE 1 END AS bit) AS marker_seen,
               CAST(CASE WHEN @marker IS NOT NULL AND @max >= @marker THEN 1 ELSE 0 END AS bit) AS harvested,
               (SELECT COUNT(*) FROM [cdc].[change_tables] AS t WHERE t.[start_lsn] IS NULL) AS unstarted,
               CONVERT(nvarchar(30), @max, 1) AS max_lsn;
        """;

    /// <summary>Whether this database's capture job is executing now, by SQL Server Agent's activity records.</summary>
    private const string CaptureJobRunningSql = """
        SELECT COUNT(*) FROM msdb.dbo.sysjobactivity AS a
        JOIN msdb.dbo.cdc_jobs AS j ON j.[job_id] = a.[job_id]
        WHERE j.[database_id] = DB_ID() AND j.[job_type] = N'capture'
          AND a.[session_id] = (SELECT MAX(s.[session_id]) FROM msdb.dbo.syssessions AS s)
          AND a.[start_execution_date] IS NOT NULL AND a.[stop_execution_date] IS NULL
        """;

    /// <summary>Creates the marker table and its capture instance (named like the table). CDC must be enabled for the
    /// database.</summary>
    public Task CreateMarkerAsync() =>
        SqlTestDatabase.ExecuteAsync(connectionString,
            $"CREATE TABLE [dbo].[{MarkerTable}] ([id] int IDENTITY(1,1) NOT NULL PRIMARY KEY, [token] uniqueidentifier NOT NULL)",
            $"EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'{MarkerTable}', @capture_instance = N'{MarkerTable}', @role_name = NULL, @supports_net_changes = 0");

    /// <summary>
    /// Has the capture job scan the log every second instead of every five (a changed polling interval takes effect
    /// when the job restarts): stops it, waits (bounded) until Agent reports it stopped, and starts it again. If it
    /// does not stop in time it keeps running with its old interval, which only makes the waits longer.
    /// </summary>
    public async Task SpeedUpCaptureJobAsync()
    {
        await SqlTestDatabase.ExecuteAsync(connectionString,
            "EXEC sys.sp_cdc_change_job @job_type = N'capture', @pollinginterval = 1",
            "BEGIN TRY EXEC sys.sp_cdc_stop_job @job_type = N'capture'; END TRY BEGIN CATCH END CATCH");
        var clock = Stopwatch.StartNew();
        while (await CaptureJobRunningAsync() && clock.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(Poll);
        await StartCaptureJobAsync();
    }

    /// <summary>Stops the capture job (best effort), so finished tests leave no job scanning a database every second.</summary>
    public Task StopCaptureJobAsync() =>
        SqlTestDatabase.ExecuteAsync(connectionString, "BEGIN TRY EXEC sys.sp_cdc_stop_job @job_type = N'capture'; END TRY BEGIN CATCH END CATCH");

    /// <summary>Waits until everything committed before the call is harvested and every capture instance started.</summary>
    /// <param name="what">What was committed, for the failure message.</param>
    public async Task WaitAsync(string what)
    {
        var token = Guid.NewGuid();
        await SqlTestDatabase.ExecuteAsync(connectionString, new SqlStatement(
            $"INSERT INTO [dbo].[{MarkerTable}] ([token]) VALUES (@token)", [new SqlParameter("@token", SqlDbType.UniqueIdentifier) { Value = token }]));
        var clock = Stopwatch.StartNew();
        HarvestState state;
        while (true)
        {
            state = await ReadStateAsync(token);
            if (state.Harvested && state.Unstarted == 0) return;
            if (clock.Elapsed > Limit) break;
            await Task.Delay(Poll);
        }
        var running = await CaptureJobRunningAsync();
        throw new Xunit.Sdk.XunitException(
            $"CDC did not harvest {what} within {Limit.TotalSeconds:0} s: the marker change was {(state.MarkerSeen ? "" : "not ")}in its change table, " +
            $"sys.fn_cdc_get_max_lsn() is {state.MaxLsn ?? "NULL"}, {state.Unstarted} capture instance(s) not started, the capture job is {(running ? "" : "not ")}running" +
            $"{await LastErrorsAsync()}. CDC needs SQL Server Agent (MSSQL_AGENT_ENABLED=true for the container).");
    }

    private async Task<HarvestState> ReadStateAsync(Guid token)
    {
        await using var connection = await SqlTestDatabase.OpenAsync(connectionString);
        await using var command = new SqlCommand(StateSql, connection) { CommandTimeout = 60 };
        command.Parameters.Add(new SqlParameter("@token", SqlDbType.UniqueIdentifier) { Value = token });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) throw new InvalidOperationException("The CDC harvest query returned no row.");
        return new HarvestState(reader.GetBoolean(0), reader.GetBoolean(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    private async Task<bool> CaptureJobRunningAsync() => await SqlTestDatabase.ScalarAsync<int>(connectionString, CaptureJobRunningSql) > 0;

    /// <summary>Starts the job, retrying for a while on refusals other than "already running" (Agent may still be
    /// winding down the stop); the last refusal is thrown, since without a capture job CDC records nothing.</summary>
    private async Task StartCaptureJobAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await SqlTestDatabase.ExecuteAsync(connectionString, "EXEC sys.sp_cdc_start_job @job_type = N'capture'");
                return;
            }
            catch (SqlException ex) when (ex.Message.Contains("already running", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
            catch (SqlException) when (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>The capture job's latest errors, when there are any (sys.dm_cdc_errors).</summary>
    private async Task<string> LastErrorsAsync()
    {
        try
        {
            var errors = await SqlTestDatabase.ScalarAsync<string>(connectionString,
                "SELECT STRING_AGG(CONCAT(e.[error_number], N': ', e.[error_message]), N' | ') FROM (SELECT TOP (3) [error_number], [error_message] FROM sys.dm_cdc_errors ORDER BY [entry_time] DESC) AS e");
            return errors is null ? "" : $"; its latest errors: {errors}";
        }
        catch (SqlException ex)
        {
            return $"; its errors could not be read ({ex.Message})";
        }
    }

    private sealed record HarvestState(bool MarkerSeen, bool Harvested, int Unstarted, string? MaxLsn);
}
