using Cdc.Core.Metering;
using Cdc.Core.Pipeline;
using static Cdc.Core.Tests.Pipeline.PipelineTestFiles;

namespace Cdc.Core.Tests.Metering;

public sealed class TagPolicyTests
{
    private static TagPolicy Policy(params (string Name, string? Value)[] variables) =>
        TagPolicy.FromVariables(variables.Select(v => KeyValuePair.Create(v.Name, v.Value)));

    [Fact]
    public void Pipeline_tags_win_over_deployment_defaults_and_keys_compare_ignoring_case()
    {
        var policy = Policy(("Ingest__DefaultTags__team", "platform"), ("Ingest__DefaultTags__env", "prod"), ("PATH", "/bin"));

        var merged = policy.Merge(new Dictionary<string, string> { ["Team"] = "analytics", ["cost_center"] = "4711" });

        merged.Should().Equal(new Dictionary<string, string> { ["Team"] = "analytics", ["cost_center"] = "4711", ["env"] = "prod" });
        merged.Keys.Should().Equal("Team", "cost_center", "env");
        merged["team"].Should().Be("analytics");
    }

    [Fact]
    public void Required_keys_are_read_from_a_list_and_missing_ones_are_named()
    {
        var policy = Policy(("INGEST__REQUIREDTAGS", "team, cost_center;owner team"), ("Ingest__DefaultTags__owner", "ops"));

        policy.RequiredKeys.Should().Equal("team", "cost_center", "owner");
        policy.MissingKeys(new Dictionary<string, string> { ["TEAM"] = "x" }).Should().Equal("cost_center");
    }

    [Fact]
    public void A_pipeline_missing_a_required_tag_fails_validation_naming_the_key_at_its_tags()
    {
        var environment = Environment(("Ingest__RequiredTags", "team,cost_center"));

        var errors = ErrorsOf(Minimal + "tags:\n  team: data-platform\n", environment);

        var error = errors.Should().ContainSingle().Which;
        error.FieldPath.Should().Be("tags");
        error.Line.Should().Be(13);
        error.Message.Should().Contain("'cost_center'").And.Contain("Ingest__RequiredTags");
        error.ToString().Should().StartWith("pipeline.yaml:13:");
    }

    [Fact]
    public void A_pipeline_without_tags_gets_one_error_per_missing_required_key()
    {
        var errors = ErrorsOf(Minimal, Environment(("Ingest__RequiredTags", "team,cost_center")));

        errors.Select(e => (e.FieldPath, e.Line)).Should().Equal(("tags", 1), ("tags", 1));
        errors.Select(e => e.Message).Should().SatisfyRespectively(
            m => m.Should().Contain("'team'"),
            m => m.Should().Contain("'cost_center'"));
    }

    [Fact]
    public void A_deployment_default_tag_satisfies_a_required_key()
    {
        var environment = Environment(("Ingest__RequiredTags", "team,cost_center"), ("Ingest__DefaultTags__cost_center", "4711"));

        var definition = Load(Minimal + "tags: { Team: data-platform }\n", environment);

        definition.Tags.Should().ContainKey("Team");
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value ?? FakeEnvironment(name);
}
