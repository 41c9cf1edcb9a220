using System.Globalization;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.SqlServer;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>
/// The seed's drivers walkthrough with SQL Server at both ends, as the demo runs it on PostgreSQL: the three drivers
/// loaded into an SCD type 1 table and an SCD type 2 history; then, at the source, insert Jack William, change driver
/// 1's licence to SDF456, delete driver 2 (each its own transaction) and add an <c>email</c> column; a second run
/// gives exactly the seed's tables, the new column appended to the mirror.
/// </summary>
[Collection(SqlServerCollection.Name)]
public sealed class SqlServerDriversWalkthroughTests(SqlServerFixture sqlServer)
{
    private const string TargetSchema = "ingest_demo_target";

    private const string PipelineYaml = """
        name: drivers-demo
        source:
          kind: sqlserver
          connection: ${env:INGEST_DEMO_SOURCE}
        objects:
          - schema: dbo
            table: drivers
            scd_type: 1
          - schema: dbo
            table: drivers
            scd_type: 2
            destination_table: drivers_history
        staging:
          location: ${env:INGEST_DEMO_STAGING}
        destination:
          kind: sqlserver
          connection: ${env:INGEST_DEMO_TARGET}
          schema: ingest_demo_target
        tags:
          team: demo
          cost_center: demo
        run:
          parallelism: 2
          snapshot_chunk_rows: 1000
          max_batch_rows: 10000
        """;

    private static readonly string[] Columns = ["driver_id", "driver_name", "license_number", "license_expiry_date", "status"];
    private static readonly string[] ColumnsWithEmail = [.. Columns, "email"];

    [SqlServerFact]
    public async Task The_walkthrough_gives_the_seeds_scd1_and_scd2_tables()
    {
        var source = await sqlServer.NewDatabaseAsync("ingest_drivers_src");
        var target = await sqlServer.NewDatabaseAsync("ingest_drivers_tgt");
        var staging = Directory.CreateTempSubdirectory("ingest-sqlserver-drivers-").FullName;
        try
        {
            await SqlTestDatabase.ExecuteAsync(source,
                """
                CREATE TABLE [dbo].[drivers] (
                    [driver_id] int IDENTITY(1,1) NOT NULL PRIMARY KEY,
                    [driver_name] varchar(100) NOT NULL,
                    [license_number] varchar(20) NOT NULL,
                    [license_expiry_date] date NOT NULL,
                    [status] varchar(20) NOT NULL)
                """,
                """
                SET IDENTITY_INSERT [dbo].[drivers] ON;
                INSERT INTO [dbo].[drivers] ([driver_id], [driver_name], [license_number], [license_expiry_date], [status]) VALUES
                    (1, 'John Doe', 'ABC123', '2026-12-31', 'Active'),
                    (2, 'Alice Smith', 'XYZ456', '2025-08-15', 'Active'),
                    (3, 'Bob Johnson', 'LMN789', '2024-05-20', 'Inactive');
                SET IDENTITY_INSERT [dbo].[drivers] OFF;
                """,
                "ALTER TABLE [dbo].[drivers] ENABLE CHANGE_TRACKING");
            var pipeline = LoadPipeline(source, target, staging);

            var first = await RunAsync(pipeline);

            first.Outcome.Should().Be(RunOutcome.Succeeded, SqlPipelineHarness.Describe(first));
            var loaded = await ReadAsync(target, "drivers", ["driver_id"]);
            loaded.Columns.Should().Equal(Columns);
            Lines(loaded, Columns).Should().Equal(
                "1|John Doe|ABC123|2026-12-31|Active",
                "2|Alice Smith|XYZ456|2025-08-15|Active",
                "3|Bob Johnson|LMN789|2024-05-20|Inactive");
            var loadedHistory = await ReadAsync(target, "drivers_history", ["driver_id", "__START_AT"]);
            Lines(loadedHistory, Columns).Should().Equal(Lines(loaded, Columns), "the history starts with one open version per driver");
            loadedHistory.Rows.Should().OnlyContain(r => r["__END_AT"] == null, "every initial version is current");

            // The walkthrough, statement by statement, each in its own transaction.
            await SqlTestDatabase.ExecuteAsync(source,
                "INSERT INTO [dbo].[drivers] ([driver_name], [license_number], [license_expiry_date], [status]) VALUES ('Jack William', 'DKL236', '2026-12-31', 'Active')",
                "UPDATE [dbo].[drivers] SET [license_number] = 'SDF456' WHERE [driver_id] = 1",
                "DELETE FROM [dbo].[drivers] WHERE [driver_id] = 2",
                "ALTER TABLE [dbo].[drivers] ADD [email] varchar(100) NULL");
            (await SqlTestDatabase.ScalarAsync<int>(source, "SELECT [driver_id] FROM [dbo].[drivers] WHERE [driver_name] = 'Jack William'"))
                .Should().Be(4, "the identity continues after the three loaded drivers, as in the seed");

            var second = await RunAsync(pipeline);

            second.Outcome.Should().Be(RunOutcome.Succeeded, SqlPipelineHarness.Describe(second));
            var current = await ReadAsync(target, "drivers", ["driver_id"]);
            current.Columns.Should().Equal(ColumnsWithEmail, "the new column is appended to the end of the mirror");
            Lines(current, ColumnsWithEmail).Should().Equal(
                "1|John Doe|SDF456|2026-12-31|Active|NULL",
                "3|Bob Johnson|LMN789|2024-05-20|Inactive|NULL",
                "4|Jack William|DKL236|2026-12-31|Active|NULL");

            var history = await ReadAsync(target, "drivers_history", ["driver_id", "__START_AT"]);
            history.Columns.Should().BeEquivalentTo(ColumnsWithEmail.Append("__START_AT").Append("__END_AT"), "the history gains the column too");
            Lines(history, ColumnsWithEmail).Should().Equal(
                "1|John Doe|ABC123|2026-12-31|Active|NULL",
                "1|John Doe|SDF456|2026-12-31|Active|NULL",
                "2|Alice Smith|XYZ456|2025-08-15|Active|NULL",
                "3|Bob Johnson|LMN789|2024-05-20|Inactive|NULL",
                "4|Jack William|DKL236|2026-12-31|Active|NULL");
            var (oldLicence, newLicence, alice, bob, jack) = (history.Rows[0], history.Rows[1], history.Rows[2], history.Rows[3], history.Rows[4]);
            End(oldLicence).Should().Be(Start(newLicence), "the old licence's version ends when the new one starts");
            End(newLicence).Should().BeNull();
            End(alice).Should().NotBeNull("deleting driver 2 closes its version");
            End(bob).Should().BeNull("driver 3 did not change");
            End(jack).Should().BeNull();
            Start(oldLicence).Should().BeBefore(Start(jack), "the initial load came before the walkthrough");
            Start(alice).Should().BeBefore(Start(jack));
            Start(bob).Should().BeBefore(Start(jack));
            Start(jack).Should().BeOnOrBefore(Start(newLicence), "Jack William was inserted before driver 1's licence changed");
            Start(newLicence).Should().BeOnOrBefore(End(alice)!.Value, "driver 1's licence changed before driver 2 was deleted");
        }
        finally
        {
            try
            {
                Directory.Delete(staging, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless.
            }
        }
    }

    /// <summary>Checked here without a server: the walkthrough's pipeline file loads as a SQL Server to SQL Server
    /// pipeline with the mirror and the history of dbo.drivers.</summary>
    [Fact]
    public void The_walkthrough_pipeline_is_sql_server_at_both_ends()
    {
        var pipeline = LoadPipeline("Server=source;Database=s", "Server=target;Database=t", "/tmp/staging");

        pipeline.Source.Kind.Should().Be(SourceKind.SqlServer);
        pipeline.Source.CaptureMode.Should().Be(CaptureMode.Auto, "a table with a primary key and change tracking is captured with change tracking");
        pipeline.Destination.Kind.Should().Be(DestinationKind.SqlServer);
        pipeline.Destination.Schema.Should().Be(TargetSchema);
        pipeline.Objects.Select(o => (o.Schema, o.Table, o.ScdType, o.DestinationTable)).Should().Equal(("dbo", "drivers", 1, null), ("dbo", "drivers", 2, "drivers_history"));
    }

    private static PipelineDefinition LoadPipeline(string source, string target, string staging)
    {
        var variables = new Dictionary<string, string>
        {
            ["INGEST_DEMO_SOURCE"] = source,
            ["INGEST_DEMO_TARGET"] = target,
            ["INGEST_DEMO_STAGING"] = staging,
        };
        return PipelineLoader.Load(PipelineYaml, "drivers-sqlserver.yaml", name => variables.GetValueOrDefault(name));
    }

    private static Task<RunResult> RunAsync(PipelineDefinition pipeline)
    {
        var components = PipelineComponentsFactory.Create(pipeline, NullLoggerFactory.Instance);
        return new PipelineRunner(components, TimeProvider.System, NullLoggerFactory.Instance)
            .RunAsync(pipeline, RunRequest.Manual(), null, CancellationToken.None);
    }

    private static DateTimeOffset Start(IReadOnlyDictionary<string, object?> row) => (DateTimeOffset)row["__START_AT"]!;

    private static DateTimeOffset? End(IReadOnlyDictionary<string, object?> row) => (DateTimeOffset?)row["__END_AT"];

    /// <summary>Each row's <paramref name="columns"/> as <c>a|b|c</c>, NULL for SQL NULL, dates as yyyy-MM-dd.</summary>
    private static List<string> Lines(TargetTable table, IReadOnlyList<string> columns) =>
        table.Rows.Select(r => string.Join("|", columns.Select(c => r[c] switch
        {
            null => "NULL",
            DateTime date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            IFormattable value => value.ToString(null, CultureInfo.InvariantCulture),
            var value => value.ToString(),
        }))).ToList();

    private static async Task<TargetTable> ReadAsync(string target, string table, IReadOnlyList<string> orderBy)
    {
        await using var connection = await SqlTestDatabase.OpenAsync(target);
        var sql = $"SELECT * FROM {SqlName.Qualified(TargetSchema, table)} ORDER BY {string.Join(", ", orderBy.Select(SqlName.Quote))}";
        await using var command = new SqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        while (await reader.ReadAsync())
            rows.Add(columns.Select((c, i) => KeyValuePair.Create(c, reader.IsDBNull(i) ? null : reader.GetValue(i))).ToDictionary(StringComparer.Ordinal));
        return new TargetTable(columns, rows);
    }

    private sealed record TargetTable(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows);
}
