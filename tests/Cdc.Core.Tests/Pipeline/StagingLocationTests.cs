using Cdc.Core.Pipeline;

namespace Cdc.Core.Tests.Pipeline;

public sealed class StagingLocationTests
{
    [Theory]
    [InlineData("./.ingest/staging", StagingLocationKind.Folder)]
    [InlineData("/var/lib/ingest", StagingLocationKind.Folder)]
    [InlineData("staging", StagingLocationKind.Folder)]
    [InlineData(@"C:\ingest\staging", StagingLocationKind.Folder)]
    [InlineData("UseDevelopmentStorage=true", StagingLocationKind.DevelopmentStorage)]
    [InlineData("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1", StagingLocationKind.DevelopmentStorage)]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net", StagingLocationKind.ConnectionString)]
    [InlineData("BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;SharedAccessSignature=sv=1", StagingLocationKind.ConnectionString)]
    [InlineData("https://acct.blob.core.windows.net/ingest-staging", StagingLocationKind.ContainerUrl)]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/ingest-staging", StagingLocationKind.ContainerUrl)]
    public void Forms_are_told_apart(string location, StagingLocationKind expected)
    {
        StagingLocation.Classify(location).Should().Be(expected);
    }

    [Fact]
    public void Loaded_definition_keeps_the_location_as_written()
    {
        var yaml = PipelineTestFiles.MinimalWithLine(8, "  location: https://acct.blob.core.windows.net/ingest-staging\n  prefix: teams/a");

        var staging = PipelineTestFiles.Load(yaml).Staging;

        staging.Location.Should().Be("https://acct.blob.core.windows.net/ingest-staging");
        staging.Prefix.Should().Be("teams/a");
        StagingLocation.Classify(staging.Location).Should().Be(StagingLocationKind.ContainerUrl);
    }

    [Theory]
    [InlineData("ingest-staging", true)]
    [InlineData("abc", true)]
    [InlineData("ab", false)]
    [InlineData("Ingest", false)]
    [InlineData("in--gest", false)]
    [InlineData("-ingest", false)]
    [InlineData("ingest-", false)]
    [InlineData("ingest_staging", false)]
    [InlineData(null, false)]
    public void Container_names_follow_azures_rule(string? name, bool valid) =>
        StagingLocation.IsValidContainerName(name).Should().Be(valid);

    [Fact]
    public void A_container_name_may_be_63_characters_but_not_64() =>
        (StagingLocation.IsValidContainerName(new string('a', 63)), StagingLocation.IsValidContainerName(new string('a', 64))).Should().Be((true, false));
}
