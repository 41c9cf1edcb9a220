using System.Data;
using Cdc.Core.Runs;
using Cdc.Core.SqlServer;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>
/// Columns added at a SQL Server source between runs reach the target, with their exact types, in the mirror and in
/// the history: with change tracking at once; with CDC through a new capture instance that the gateway creates
/// (<c>manage_capture_instances</c>), switches to at its start LSN, and drops the old one once it has read past it.
/// </summary>
[Collection(SqlServerCollection.Name)]
public sealed class SqlServerSchemaChangeTests(SqlServerFixture sqlServer)
{
    [SqlServerFact]
    public async Task Columns_added_at_a_change_tracking_source_are_added_to_the_target()
    {
        var table = SqlWorkloadTables.Unicode;
        await using var harness = await SqlPipelineHarness.CreateAsync(sqlServer, new SqlWorkloadSet([table, SqlWorkloadTables.Hostile], table), seed: 404);
        await harness.ChangeAsync(inserts: 60, updates: 0, deletes: 0, keyChanges: 0);
        await RunAndCheckAsync(harness, "the initial load");

        SqlWorkloadColumn[] added = [new("e-mail ✉", "nvarchar(100)"), new("seen at", "datetimeoffset(7)")];
        foreach (var column in added)
        {
            await harness.Workload.AddColumnAsync(table.Id, column);
            harness.Workload.Include(table.Id, column);
        }
        await harness.ChangeAsync();
        var events = await RunAndCheckAsync(harness, "after columns were added");

        events.Of<SchemaChanged>().Should().Contain(e => e.Table == table.Id && added.All(c => e.AddedColumns.Contains(c.Name)),
            "the gateway reports the added columns");
        foreach (var target in new[] { table.Name, SqlPipelineHarness.HistoryTable(table) })
        {
            (await ColumnTypeAsync(harness.Target, target, "e-mail ✉")).Should().Be("nvarchar(100)", $"{target} gains the column with its type");
            (await ColumnTypeAsync(harness.Target, target, "seen at")).Should().Be("datetimeoffset(7)", $"{target} gains the column with its type");
        }

        await harness.ChangeAsync();
        await RunAndCheckAsync(harness, "changes after the columns were added");
    }

    [SqlServerFact]
    public async Task A_column_added_at_a_cdc_source_reaches_the_target_through_a_new_capture_instance()
    {
        var table = SqlWorkloadTables.Accounts;
        await using var harness = await SqlPipelineHarness.CreateAsync(sqlServer, new SqlWorkloadSet([table], table), seed: 505,
            new SqlHarnessOptions(ManageCaptureInstances: true));
        await harness.ChangeAsync(inserts: 60, updates: 0, deletes: 0, keyChanges: 0);
        await RunAndCheckAsync(harness, "the initial load");
        var original = (await CaptureInstancesAsync(harness.Source, table)).Should().ContainSingle().Subject;

        // The workload leaves the new column alone until a capture instance records it: the old instance cannot carry
        // its values, and only a new snapshot could recover values written before the new instance started.
        var column = new SqlWorkloadColumn("e-mail ✉", "nvarchar(100)");
        await harness.Workload.AddColumnAsync(table.Id, column);
        await harness.ChangeAsync();
        await RunAndCheckAsync(harness, "changes after the column was added, read through the old capture instance");

        (await SqlTestDatabase.ScalarAsync<int>(harness.Source, $"SELECT COUNT(*) FROM {table.Quoted} WHERE {SqlName.Quote(column.Name)} IS NOT NULL"))
            .Should().Be(0, "nothing has written the new column yet");
        var instances = await CaptureInstancesAsync(harness.Source, table);
        instances.Should().HaveCount(2, "the gateway creates a capture instance for the table's new columns");
        instances[0].Should().Be(original);
        (await CapturedColumnsAsync(harness.Source, instances[1])).Should().Contain(column.Name, "the new instance captures every column of the table");

        await harness.HarvestedAsync("the start of the new capture instance");
        harness.Workload.Include(table.Id, column);
        await harness.ChangeAsync();
        var events = await RunAndCheckAsync(harness, "changes that write the new column, read across the switch of capture instances");

        events.Of<SchemaChanged>().Should().Contain(e => e.Table == table.Id && e.AddedColumns.Contains(column.Name), "the switch brings the new column");
        foreach (var target in new[] { table.Name, SqlPipelineHarness.HistoryTable(table) })
            (await ColumnTypeAsync(harness.Target, target, column.Name)).Should().Be("nvarchar(100)", $"{target} gains the column with its type");

        await harness.ChangeAsync();
        await RunAndCheckAsync(harness, "changes read through the new capture instance only");
        (await CaptureInstancesAsync(harness.Source, table)).Should().Equal(new[] { instances[1] }, "the old instance is dropped once the table is read past the new one's start");
    }

    private static async Task<RecordedEvents> RunAndCheckAsync(SqlPipelineHarness harness, string when)
    {
        var events = new RecordedEvents();
        var result = await harness.RunAsync(null, events);
        result.Outcome.Should().Be(RunOutcome.Succeeded, $"{when}: {SqlPipelineHarness.Describe(result)}");
        await harness.AssertConvergedAsync(when);
        return events;
    }

    /// <summary>A target column's type as declared, e.g. <c>nvarchar(100)</c>; null when the column is missing.</summary>
    private static async Task<string?> ColumnTypeAsync(string target, string table, string column) =>
        await SqlTestDatabase.ScalarAsync<string>(target, """
            SELECT CASE
                WHEN ty.[name] IN (N'nvarchar', N'nchar') THEN CONCAT(ty.[name], N'(', IIF(c.[max_length] = -1, N'max', CAST(c.[max_length] / 2 AS nvarchar(10))), N')')
                WHEN ty.[name] IN (N'time', N'datetime2', N'datetimeoffset') THEN CONCAT(ty.[name], N'(', c.[scale], N')')
                ELSE ty.[name] END
            FROM sys.columns AS c JOIN sys.types AS ty ON ty.[user_type_id] = c.[user_type_id]
            WHERE c.[object_id] = OBJECT_ID(@table) AND c.[name] = @column
            """,
            new SqlParameter("@table", SqlDbType.NVarChar, 4000) { Value = SqlName.Qualified(SqlPipelineHarness.TargetSchema, table) },
            new SqlParameter("@column", SqlDbType.NVarChar, 128) { Value = column });

    /// <summary>The table's capture instances, oldest first.</summary>
    private static async Task<List<string>> CaptureInstancesAsync(string source, SqlWorkloadTable table) =>
        await ListAsync(source,
            "SELECT ct.[capture_instance] FROM cdc.change_tables AS ct WHERE ct.[source_object_id] = OBJECT_ID(@name) ORDER BY ct.[create_date], ct.[capture_instance]",
            table.Quoted);

    private static async Task<List<string>> CapturedColumnsAsync(string source, string instance) =>
        await ListAsync(source,
            "SELECT cc.[column_name] FROM cdc.captured_columns AS cc JOIN cdc.change_tables AS ct ON ct.[object_id] = cc.[object_id] WHERE ct.[capture_instance] = @name ORDER BY cc.[column_ordinal]",
            instance);

    private static async Task<List<string>> ListAsync(string connectionString, string sql, string name)
    {
        await using var connection = await SqlTestDatabase.OpenAsync(connectionString);
        await using var command = new SqlCommand(sql, connection);
        command.Parameters.Add(new SqlParameter("@name", SqlDbType.NVarChar, 4000) { Value = name });
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetString(0));
        return values;
    }
}
