using Cdc.Core.Pipeline;

namespace Cdc.Core.Tests.Pipeline;

public sealed class SampleFilesTests
{
    public static TheoryData<string> Samples() => new(SampleFileNames());

    private static IEnumerable<string> SampleFileNames() =>
        Directory.GetFiles(Path.Combine(PipelineTestFiles.RepositoryRoot(), "samples"), "*.yaml")
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!;

    [Fact]
    public void The_three_documented_samples_exist()
    {
        SampleFileNames().Should().Contain(["drivers-postgres.yaml", "sqlserver-to-postgres.yaml", "sqlserver-to-azuresql.yaml"]);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_validates_and_points_at_the_schema(string fileName)
    {
        var path = Path.Combine(PipelineTestFiles.RepositoryRoot(), "samples", fileName);

        var definition = PipelineLoader.LoadFile(path, name => $"fake{name.ToLowerInvariant().Replace("_", "", StringComparison.Ordinal)}");

        definition.Objects.Should().NotBeEmpty();
        File.ReadLines(path).First().Should().Be("# yaml-language-server: $schema=../schemas/pipeline.schema.json");
    }

    [Fact]
    public void Drivers_sample_feeds_drivers_and_drivers_history()
    {
        var path = Path.Combine(PipelineTestFiles.RepositoryRoot(), "samples", "drivers-postgres.yaml");

        var definition = PipelineLoader.LoadFile(path, name => "Host=localhost;Database=" + name);

        definition.Source.Kind.Should().Be(SourceKind.Postgres);
        definition.Destination.Kind.Should().Be(DestinationKind.Postgres);
        StagingLocation.Classify(definition.Staging.Location).Should().Be(StagingLocationKind.Folder);
        definition.Objects.Select(o => (o.Table, o.DestinationTable ?? o.Table, o.ScdType ?? definition.Destination.ScdType))
            .Should().Equal(("drivers", "drivers", 1), ("drivers", "drivers_history", 2));
    }
}
