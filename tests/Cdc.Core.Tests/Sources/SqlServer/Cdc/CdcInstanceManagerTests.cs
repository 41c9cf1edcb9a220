using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.SqlServer;
using Cdc.Core.Sources.SqlServer;
using Cdc.Core.Sources.SqlServer.Cdc;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging.Abstractions;
using static Cdc.Core.Tests.Sources.SqlServer.Cdc.CdcTestData;
using static Cdc.Core.Tests.Sources.SqlServer.SqlServerTestSupport;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

/// <summary>Creating and dropping capture instances goes to the primary: a connection without read-only intent,
/// used for those calls and nothing else.</summary>
public sealed class CdcInstanceManagerTests
{
    private const string EnableSql =
        "EXEC sys.sp_cdc_enable_table @source_schema = @source_schema, @source_name = @source_name, @capture_instance = @capture_instance, "
        + "@supports_net_changes = @supports_net_changes, @role_name = @role_name, @index_name = @index_name, @filegroup_name = @filegroup_name, "
        + "@allow_partition_switch = @allow_partition_switch";

    private const string DisableSql =
        "EXEC sys.sp_cdc_disable_table @source_schema = @source_schema, @source_name = @source_name, @capture_instance = @capture_instance";

    private const string Source = "Server=tcp:sales.database.windows.net,1433;Database=Sales;User ID=ingest;Password=secret";

    private static readonly CdcCaptureInstance Old = Instance("dbo_orders", 1, 0, OrdersColumns());

    [Fact]
    public async Task Instances_are_created_and_dropped_through_the_ddl_sessions_only()
    {
        var reads = new RecordingSessions();
        var ddl = new RecordingSessions();
        var manager = new CdcInstanceManager(reads, ddl, new CapturedLog());
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "dbo_orders" };

        await manager.ApplyAsync(Orders, new CreateCaptureInstance(Old, "dbo_orders_2"), taken, CancellationToken.None);
        await manager.ApplyAsync(Orders, new DropCaptureInstance(Old, Lsn(5)), taken, CancellationToken.None);

        ddl.Log.Should().Equal(
            "open",
            "sql " + EnableSql + " | @source_schema=dbo, @source_name=orders, @capture_instance=dbo_orders_2, @supports_net_changes=True, "
                + "@role_name=NULL, @index_name=PK_orders, @filegroup_name=NULL, @allow_partition_switch=True",
            "close",
            "open", "sql " + DisableSql + " | @source_schema=dbo, @source_name=orders, @capture_instance=dbo_orders", "close");
        reads.Log.Should().BeEmpty();
        taken.Should().Contain("dbo_orders_2");
    }

    [Fact]
    public async Task Instance_names_are_read_through_the_source_sessions()
    {
        var reads = new RecordingSessions((_, _) => ResultSet([("capture_instance", typeof(string))], ["dbo_orders"], ["Sales_Lines"]));
        var ddl = new RecordingSessions();

        var taken = await new CdcInstanceManager(reads, ddl, new CapturedLog()).TakenNamesAsync(CancellationToken.None);

        taken.Should().BeEquivalentTo("dbo_orders", "Sales_Lines");
        taken.Should().Contain("SALES_LINES", "names compare as SQL Server compares them, ignoring case");
        reads.Log.Should().Equal("open", "sql SELECT ct.[capture_instance] FROM cdc.change_tables AS ct", "close");
        ddl.Log.Should().BeEmpty();
    }

    [Theory]
    [InlineData(Source)]
    [InlineData(Source + ";ApplicationIntent=ReadOnly")]
    public void The_pipeline_builds_the_ddl_connections_from_the_source_without_read_only_intent(string connection)
    {
        var folder = Path.Combine(Path.GetTempPath(), "ingest-ddl-" + Guid.NewGuid().ToString("N"));
        try
        {
            var pipeline = new PipelineDefinition
            {
                Name = "sales",
                Source = new SourceDefinition { Kind = SourceKind.SqlServer, Connection = connection, CaptureMode = CaptureMode.Cdc, ManageCaptureInstances = true },
                Objects = [new ObjectDefinition { Schema = "dbo" }],
                Staging = new StagingDefinition { Location = folder },
                Destination = new DestinationDefinition { Kind = DestinationKind.Postgres, Connection = "Host=localhost" },
            };

            var connector = (SqlServerSourceConnector)PipelineComponentsFactory.Create(pipeline, NullLoggerFactory.Instance).CreateSource();

            var instances = connector.ChangeData.Instances;
            var reads = new SqlConnectionStringBuilder(((SqlSourceSessions)instances.ReadSessions).Connections.ConnectionString);
            var ddl = new SqlConnectionStringBuilder(((SqlSourceSessions)instances.DdlSessions).Connections.ConnectionString);
            reads.ApplicationIntent.Should().Be(ApplicationIntent.ReadOnly);
            ddl.ApplicationIntent.Should().Be(ApplicationIntent.ReadWrite);
            ddl.DataSource.Should().Be("tcp:sales.database.windows.net,1433");
            foreach (var key in reads.Keys.Cast<string>().Where(k => !k.Replace(" ", "", StringComparison.Ordinal).Equals("ApplicationIntent", StringComparison.OrdinalIgnoreCase)))
                ddl[key].Should().Be(reads[key], "everything but the intent is the source's ({0})", key);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_ddl_connections_keep_authentication_and_refuse_what_the_source_would()
    {
        var ddl = SqlServerSourceConnector.CaptureInstanceConnections("Server=s;Database=d;ApplicationIntent=ReadOnly", SqlServerAuthentication.AzureAd, "client-id");
        var builder = new SqlConnectionStringBuilder(ddl.ConnectionString);
        builder.ApplicationIntent.Should().Be(ApplicationIntent.ReadWrite);
        builder.Encrypt.Should().BeTrue();
        FluentActions.Invoking(() => SqlServerSourceConnector.CaptureInstanceConnections("Server=s;User ID=u", SqlServerAuthentication.AzureAd, null))
            .Should().Throw<ArgumentException>().WithMessage("*authentication is azure_ad*");
    }

    [Fact]
    public void Managing_instances_over_read_only_connections_is_refused_up_front()
    {
        var readOnly = new SqlConnectionFactory(Source, SqlServerAuthentication.ConnectionString, readOnlyIntent: true);
        var options = new SqlServerSourceOptions(CaptureMode.Cdc, ManageCaptureInstances: true);

        FluentActions.Invoking(() => new SqlServerSourceConnector(readOnly, options, NullLogger.Instance))
            .Should().Throw<ArgumentException>().WithMessage("manage_capture_instances creates and drops capture instances*read-only intent*");
        FluentActions.Invoking(() => new SqlServerSourceConnector(readOnly, options, NullLogger.Instance, readOnly)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new SqlServerSourceConnector(readOnly, options with { ManageCaptureInstances = false }, NullLogger.Instance)).Should().NotThrow();
        var readWrite = SqlServerSourceConnector.CaptureInstanceConnections(Source, SqlServerAuthentication.ConnectionString, null);
        var connector = new SqlServerSourceConnector(readOnly, options, NullLogger.Instance, readWrite);
        ((SqlSourceSessions)connector.ChangeData.Instances.DdlSessions).Connections.Should().BeSameAs(readWrite);
    }
}
