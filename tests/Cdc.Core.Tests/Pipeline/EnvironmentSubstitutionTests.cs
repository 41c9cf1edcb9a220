using Cdc.Core.Pipeline;

namespace Cdc.Core.Tests.Pipeline;

public sealed class EnvironmentSubstitutionTests
{
    [Fact]
    public void Whole_value_is_replaced()
    {
        var definition = PipelineTestFiles.Load(PipelineTestFiles.Minimal);

        definition.Source.Connection.Should().Be("Host=source;Database=app;Password=source-secret");
        definition.Destination.Connection.Should().Be("Host=target;Database=dw;Password=target-secret");
    }

    [Fact]
    public void Placeholders_inside_a_longer_value_are_replaced_and_double_dollar_escapes()
    {
        var yaml = PipelineTestFiles.Minimal.Replace("  connection: ${env:SRC}", "  connection: Host=${env:HOST};Password=${env:PW};Options=$${literal}", StringComparison.Ordinal);
        var environment = (string name) => name switch { "HOST" => "db1", "PW" => "pa;ss", _ => PipelineTestFiles.FakeEnvironment(name) };

        var definition = PipelineTestFiles.Load(yaml, environment);

        definition.Source.Connection.Should().Be("Host=db1;Password=pa;ss;Options=${literal}");
    }

    [Fact]
    public void Staging_location_is_substituted_too()
    {
        var yaml = PipelineTestFiles.Minimal.Replace("  location: ./staging", "  location: ${env:STAGING}", StringComparison.Ordinal);

        var definition = PipelineTestFiles.Load(yaml, name => name == "STAGING" ? "UseDevelopmentStorage=true" : PipelineTestFiles.FakeEnvironment(name));

        definition.Staging.Location.Should().Be("UseDevelopmentStorage=true");
    }

    [Fact]
    public void Substitution_reports_every_problem_in_a_value()
    {
        var value = EnvironmentPlaceholders.Substitute("a=${env:ONE};b=${env:TWO};c=${oops}", _ => null, out var errors);

        value.Should().BeNull();
        errors.Should().HaveCount(3);
        errors[0].Should().Contain("ONE");
        errors[1].Should().Contain("TWO");
        errors[2].Should().Contain("'${oops}'");
    }

    [Fact]
    public void Empty_variable_is_allowed_inside_a_value()
    {
        EnvironmentPlaceholders.Substitute("Password=${env:PW};", _ => "", out var errors).Should().Be("Password=;");
        errors.Should().BeEmpty();
    }
}
