using System.Text.Json.Nodes;
using Cdc.Core.Pipeline;
using Cdc.Core.Pipeline.Schema;

namespace Cdc.Core.Tests.Pipeline;

public sealed class PipelineJsonSchemaTests
{
    private const string RegenerateVariable = "INGEST_REGENERATE_SCHEMA";

    [Fact]
    public void Committed_schema_file_matches_the_generated_schema()
    {
        var path = Path.Combine(PipelineTestFiles.RepositoryRoot(), PipelineJsonSchema.RepositoryPath);
        var generated = PipelineJsonSchema.Generate();
        if (Environment.GetEnvironmentVariable(RegenerateVariable) == "1") File.WriteAllText(path, generated);

        var committed = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";

        // A short message with the fix beats a dump of two 9 KB strings.
        committed.Equals(generated, StringComparison.Ordinal).Should().BeTrue(
            $"{PipelineJsonSchema.RepositoryPath} must equal PipelineJsonSchema.Generate() ({FirstDifference(committed, generated)}); " +
            $"regenerate it with `{RegenerateVariable}=1 dotnet test tests/Cdc.Core.Tests --filter \"FullyQualifiedName~PipelineJsonSchemaTests\"` " +
            "and commit the result");
    }

    private static string FirstDifference(string committed, string generated)
    {
        var committedLines = committed.Split('\n');
        var generatedLines = generated.Split('\n');
        for (var i = 0; i < Math.Max(committedLines.Length, generatedLines.Length); i++)
        {
            var left = i < committedLines.Length ? committedLines[i].Trim() : "(end of file)";
            var right = i < generatedLines.Length ? generatedLines[i].Trim() : "(end of file)";
            if (left != right) return $"line {i + 1} is {left} but should be {right}";
        }

        return "no difference";
    }

    [Fact]
    public void Schema_describes_keys_enums_requirements_and_ranges()
    {
        var schema = PipelineJsonSchema.GenerateNode();

        schema["$schema"]!.GetValue<string>().Should().Be("https://json-schema.org/draft/2020-12/schema");
        schema["additionalProperties"]!.GetValue<bool>().Should().BeFalse();
        Names(schema["required"]).Should().Equal("name", "source", "objects", "staging", "destination");
        var properties = schema["properties"]!;
        properties["name"]!["pattern"]!.GetValue<string>().Should().Be(PipelineNames.NamePattern);
        properties["name"]!["description"]!.GetValue<string>().Should().Contain("lower-case letters");
        Names(properties["source"]!["properties"]!["kind"]!["enum"]).Should().Equal("postgres", "sqlserver");
        Names(properties["source"]!["properties"]!["capture_mode"]!["enum"]).Should().Equal("auto", "change_tracking", "cdc", null);
        Names(properties["source"]!["required"]).Should().Equal("kind", "connection");
        properties["objects"]!["minItems"]!.GetValue<int>().Should().Be(1);
        var entry = properties["objects"]!["items"]!;
        Names(entry["required"]).Should().Equal("schema");
        entry["properties"]!["scd_type"]!["minimum"]!.GetValue<int>().Should().Be(1);
        entry["properties"]!["scd_type"]!["maximum"]!.GetValue<int>().Should().Be(2);
        properties["tags"]!["additionalProperties"]!["type"]!.GetValue<string>().Should().Be("string");
        properties["tags"]!["minProperties"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public void Schema_defaults_match_the_definition_defaults()
    {
        var properties = PipelineJsonSchema.GenerateNode()["properties"]!;
        var run = new RunSettings();
        var destination = new DestinationDefinition { Kind = DestinationKind.Postgres, Connection = "x" };

        Default<int>(properties["run"]!, "parallelism").Should().Be(run.Parallelism);
        Default<int>(properties["run"]!, "snapshot_chunk_rows").Should().Be(run.SnapshotChunkRows);
        Default<int>(properties["run"]!, "max_batch_rows").Should().Be(run.MaxBatchRows);
        Default<string>(properties["destination"]!, "schema").Should().Be(destination.Schema);
        Default<int>(properties["destination"]!, "scd_type").Should().Be(destination.ScdType);
        Default<bool>(properties["destination"]!, "soft_deletes").Should().Be(destination.SoftDeletes);
        Default<string>(properties["staging"]!, "container").Should().Be(new StagingDefinition { Location = "x" }.Container);
    }

    private static T Default<T>(JsonNode section, string key) => section["properties"]![key]!["default"]!.GetValue<T>();

    private static IEnumerable<string?> Names(JsonNode? array) => array!.AsArray().Select(n => n?.GetValue<string>());
}
