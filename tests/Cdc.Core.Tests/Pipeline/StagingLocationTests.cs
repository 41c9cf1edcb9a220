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
}
