using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer;

namespace Cdc.Core.Tests.Sources.SqlServer;

public sealed class SqlServerCaptureModesTests
{
    private static readonly TableId Orders = new("sales", "Orders");
    private static readonly SqlServerDatabaseFacts Ready = new("shop", 1, CdcEnabled: true, ChangeTrackingVersion: 10);
    private static readonly SqlServerDatabaseFacts Bare = new("shop", 1, CdcEnabled: false, ChangeTrackingVersion: null);

    private static CaptureMode Resolve(CaptureMode requested, bool pk, bool ct, bool cdc, SqlServerDatabaseFacts? database = null) =>
        SqlServerCaptureModes.Resolve(Orders, requested, new CaptureOptions(pk, ct, cdc), database ?? Ready);

    [Theory]
    [InlineData(true, true, false, CaptureMode.ChangeTracking)]
    [InlineData(true, true, true, CaptureMode.ChangeTracking)]
    [InlineData(true, false, true, CaptureMode.Cdc)]
    [InlineData(false, false, true, CaptureMode.Cdc)]
    public void Auto_prefers_change_tracking_for_a_keyed_table_and_takes_cdc_otherwise(bool pk, bool ct, bool cdc, CaptureMode expected) =>
        Resolve(CaptureMode.Auto, pk, ct, cdc).Should().Be(expected);

    [Fact]
    public void Asked_modes_are_taken_when_enabled()
    {
        Resolve(CaptureMode.Cdc, pk: true, ct: true, cdc: true).Should().Be(CaptureMode.Cdc);
        Resolve(CaptureMode.ChangeTracking, pk: true, ct: true, cdc: true).Should().Be(CaptureMode.ChangeTracking);
    }

    [Fact]
    public void Change_tracking_asked_without_it_enabled_gives_the_exact_statements()
    {
        FluentActions.Invoking(() => Resolve(CaptureMode.ChangeTracking, pk: true, ct: false, cdc: false, Bare)).Should().Throw<SourceException>()
            .Which.Message.Should().Be(
                "Change tracking is not enabled for table sales.Orders (capture_mode: change_tracking). Enable it with: " +
                "ALTER DATABASE [shop] SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 7 DAYS, AUTO_CLEANUP = ON); ALTER TABLE [sales].[Orders] ENABLE CHANGE_TRACKING;");
        FluentActions.Invoking(() => Resolve(CaptureMode.ChangeTracking, pk: true, ct: false, cdc: false)).Should().Throw<SourceException>()
            .Which.Message.Should().EndWith("Enable it with: ALTER TABLE [sales].[Orders] ENABLE CHANGE_TRACKING;");
    }

    [Fact]
    public void Change_tracking_needs_a_primary_key_and_says_so()
    {
        FluentActions.Invoking(() => Resolve(CaptureMode.ChangeTracking, pk: false, ct: false, cdc: false)).Should().Throw<SourceException>()
            .WithMessage("Table sales.Orders has no primary key, and change tracking (capture_mode: change_tracking) needs one*" +
                "EXEC sys.sp_cdc_enable_table @source_schema = N'sales', @source_name = N'Orders', @role_name = NULL;");
    }

    [Fact]
    public void Cdc_asked_without_it_enabled_gives_the_exact_statements()
    {
        FluentActions.Invoking(() => Resolve(CaptureMode.Cdc, pk: true, ct: true, cdc: false, Bare with { ChangeTrackingVersion = 3 })).Should().Throw<SourceException>()
            .Which.Message.Should().StartWith(
                "CDC is not enabled for table sales.Orders (capture_mode: cdc). Enable it with: EXEC sys.sp_cdc_enable_db; " +
                "EXEC sys.sp_cdc_enable_table @source_schema = N'sales', @source_name = N'Orders', @role_name = NULL;");
        FluentActions.Invoking(() => Resolve(CaptureMode.Cdc, pk: true, ct: true, cdc: false)).Should().Throw<SourceException>()
            .Which.Message.Should().NotContain("sp_cdc_enable_db");
    }

    [Fact]
    public void Auto_with_neither_enabled_names_both_ways_for_a_keyed_table()
    {
        FluentActions.Invoking(() => Resolve(CaptureMode.Auto, pk: true, ct: false, cdc: false, Bare)).Should().Throw<SourceException>()
            .Which.Message.Should().Be(
                "Table sales.Orders has neither change tracking nor CDC enabled. Enable change tracking (preferred for a table with a primary key) with: " +
                "ALTER DATABASE [shop] SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 7 DAYS, AUTO_CLEANUP = ON); ALTER TABLE [sales].[Orders] ENABLE CHANGE_TRACKING; " +
                "Or enable CDC with: EXEC sys.sp_cdc_enable_db; EXEC sys.sp_cdc_enable_table @source_schema = N'sales', @source_name = N'Orders', @role_name = NULL;");
    }

    [Fact]
    public void Auto_for_a_keyless_table_without_cdc_asks_for_cdc()
    {
        FluentActions.Invoking(() => Resolve(CaptureMode.Auto, pk: false, ct: false, cdc: false)).Should().Throw<SourceException>()
            .Which.Message.Should().Be(
                "Table sales.Orders has no primary key, so change tracking cannot capture it, and CDC is not enabled for it. " +
                "Enable CDC with: EXEC sys.sp_cdc_enable_table @source_schema = N'sales', @source_name = N'Orders', @role_name = NULL; Or add a primary key and enable change tracking.");
    }

    [Fact]
    public void Hostile_names_are_quoted_in_every_statement()
    {
        var table = new TableId("we]ird", "it's a \"table\" ü");
        SqlServerEnableStatements.ChangeTrackingTable(table).Should().Be("ALTER TABLE [we]]ird].[it's a \"table\" ü] ENABLE CHANGE_TRACKING;");
        SqlServerEnableStatements.CdcTable(table).Should().Be(
            "EXEC sys.sp_cdc_enable_table @source_schema = N'we]ird', @source_name = N'it''s a \"table\" ü', @role_name = NULL;");
        SqlServerEnableStatements.ChangeTrackingDatabase("db]1").Should().Be("ALTER DATABASE [db]]1] SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 7 DAYS, AUTO_CLEANUP = ON);");
        SqlServerEnableStatements.SnapshotIsolation("my db").Should().Be("ALTER DATABASE [my db] SET ALLOW_SNAPSHOT_ISOLATION ON;");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_database_without_snapshot_isolation_is_refused_with_the_statement(byte state)
    {
        FluentActions.Invoking(() => SqlServerCaptureModes.EnsureSnapshotIsolation(Ready with { SnapshotIsolationState = state }))
            .Should().Throw<SourceException>().WithMessage("Database shop does not allow snapshot isolation*ALTER DATABASE [shop] SET ALLOW_SNAPSHOT_ISOLATION ON;");
        FluentActions.Invoking(() => SqlServerCaptureModes.EnsureSnapshotIsolation(Ready)).Should().NotThrow();
    }
}
