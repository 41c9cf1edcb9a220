using Cdc.Core.Pipeline;
using static Cdc.Core.Tests.Pipeline.PipelineTestFiles;

namespace Cdc.Core.Tests.Pipeline;

public sealed class SqlServerSettingsTests
{
    private const string SqlServerPipeline = """
        name: sales
        source:
          kind: sqlserver
          connection: Server=src.database.windows.net;Database=sales
          authentication: azure_ad
          managed_identity_client_id: 7f0c4a4e-0000-4000-8000-000000000001
          capture_mode: auto
          on_retention_gap: fail
          manage_capture_instances: true
        objects:
          - schema: dbo
            table: Orders
          - schema: dbo
            table: Heap Log
            capture_mode: cdc
        staging:
          location: ./staging
        destination:
          kind: sqlserver
          connection: Server=dw.database.windows.net;Database=dw
          authentication: azure_ad

        """;

    [Fact]
    public void SqlServer_source_and_destination_settings_map()
    {
        var pipeline = Load(SqlServerPipeline);

        pipeline.Source.Authentication.Should().Be(SqlServerAuthentication.AzureAd);
        pipeline.Source.ManagedIdentityClientId.Should().Be("7f0c4a4e-0000-4000-8000-000000000001");
        pipeline.Source.OnRetentionGap.Should().Be(RetentionGapPolicy.Fail);
        pipeline.Source.ManageCaptureInstances.Should().BeTrue();
        pipeline.Objects.Select(o => o.CaptureMode).Should().Equal(null, CaptureMode.Cdc);
        pipeline.Destination.Authentication.Should().Be(SqlServerAuthentication.AzureAd);
        pipeline.Destination.ManagedIdentityClientId.Should().BeNull();
    }

    [Fact]
    public void Defaults_resnapshot_on_a_gap_and_use_the_connection_strings_credentials()
    {
        var pipeline = Load(Minimal);

        pipeline.Source.OnRetentionGap.Should().Be(RetentionGapPolicy.Resnapshot);
        pipeline.Source.Authentication.Should().Be(SqlServerAuthentication.ConnectionString);
        pipeline.Source.ManageCaptureInstances.Should().BeFalse();
        pipeline.Destination.Authentication.Should().Be(SqlServerAuthentication.ConnectionString);
    }

    [Fact]
    public void A_misspelled_retention_policy_is_named_with_the_choices()
    {
        var errors = ErrorsOf(MinimalWithLine(4, "  connection: ${env:SRC}\n  on_retention_gap: resnapshoot"));

        errors.ErrorAt("source.on_retention_gap", 5, 21).Should().Contain("resnapshot, fail").And.Contain("did you mean 'resnapshot'?");
    }

    [Fact]
    public void SqlServer_only_settings_are_refused_on_a_postgres_source_and_object()
    {
        var errors = ErrorsOf(MinimalWithLine(4, "  connection: ${env:SRC}\n  authentication: azure_ad\n  manage_capture_instances: true")
            .Replace("  - schema: public", "  - schema: public\n    capture_mode: cdc", StringComparison.Ordinal));

        errors.ErrorAt("source.authentication", 5, 3).Should().Contain("applies only to sqlserver");
        errors.ErrorAt("source.manage_capture_instances", 6, 3).Should().Contain("applies only to sqlserver");
        errors.ErrorAt("objects[0].capture_mode", 9, 5).Should().Contain("applies only to sqlserver sources");
    }

    [Fact]
    public void A_managed_identity_without_azure_ad_is_refused()
    {
        var errors = ErrorsOf(SqlServerPipeline.Replace("  authentication: azure_ad\n  managed_identity_client_id", "  managed_identity_client_id", StringComparison.Ordinal));

        errors.Should().ContainSingle().Which.Message.Should().Contain("applies only with authentication: azure_ad");
    }
}
