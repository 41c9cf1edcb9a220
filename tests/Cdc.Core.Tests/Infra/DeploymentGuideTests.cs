namespace Cdc.Core.Tests.Infra;

/// <summary>docs/deploy.md keeps up with the template: every parameter, output and app setting is described.</summary>
public sealed class DeploymentGuideTests
{
    private static readonly string Guide = File.ReadAllText(Path.Combine(InfraFiles.Root, "docs", "deploy.md"));
    private static readonly BicepSource Main = BicepSource.Load(InfraFiles.MainTemplate);

    [Fact]
    public void Every_parameter_of_main_is_described()
    {
        Main.Parameters().Select(p => p.Name).Where(name => !Guide.Contains($"| `{name}` |", StringComparison.Ordinal))
            .Should().BeEmpty("docs/deploy.md has a parameters table row per parameter");
    }

    [Fact]
    public void Every_output_of_main_is_described()
    {
        Main.Outputs().Where(name => !Guide.Contains($"`{name}`", StringComparison.Ordinal))
            .Should().BeEmpty("docs/deploy.md lists the outputs");
    }

    [Fact]
    public void Every_app_setting_the_template_defines_is_described()
    {
        var settings = Main.Variable("coreAppSettings").Properties.Select(p => p.Key).ToList();

        settings.Should().Contain("AzureWebJobsStorage__credential");
        settings.Where(name => !Guide.Contains($"| `{name}` |", StringComparison.Ordinal))
            .Should().BeEmpty("docs/deploy.md has an app settings table row per setting");
    }
}
