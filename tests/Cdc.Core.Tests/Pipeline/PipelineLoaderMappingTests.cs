using Cdc.Core.Pipeline;

namespace Cdc.Core.Tests.Pipeline;

public sealed class PipelineLoaderMappingTests
{
    private const string FullFile = """
        name: drivers-demo
        source:
          kind: sqlserver
          connection: Server=src;Password=${env:SRC_PASSWORD}
          capture_mode: change_tracking
        objects:
          - schema: public
            exclude: [audit_log, "tmp table"]
          - schema: sales
            table: Order Details
            keys: [order_id, line_no]
            scd_type: 2
            destination_table: order_details_history
          - schema: sales
            table: Customers
            scd_type: 1
            soft_deletes: true
        staging:
          location: DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${env:STORAGE_KEY};EndpointSuffix=core.windows.net
          container: ingest-staging-2
          prefix: teams/drivers
        destination:
          kind: postgres
          connection: ${env:INGEST_TARGET}
          schema: analytics
          scd_type: 2
          soft_deletes: false
        schedule: "*/15 * * * *"
        tags: { team: data-platform, cost_center: "4711" }
        budget: { name: data-platform-monthly, amount: 200.50, period: month }
        run: { parallelism: 8, snapshot_chunk_rows: 50000, max_batch_rows: 1000000 }

        """;

    private static string? Environment(string name) => name switch
    {
        "SRC_PASSWORD" => "p@ss",
        "STORAGE_KEY" => "a2V5",
        "INGEST_TARGET" => "Host=target;Database=dw",
        _ => null,
    };

    [Fact]
    public void Full_file_maps_to_every_member()
    {
        var definition = PipelineLoader.Load(FullFile, "drivers.yaml", Environment);

        definition.Name.Should().Be("drivers-demo");
        definition.SourceFile.Should().Be("drivers.yaml");
        definition.Source.Should().Be(new SourceDefinition
        {
            Kind = SourceKind.SqlServer,
            Connection = "Server=src;Password=p@ss",
            CaptureMode = CaptureMode.ChangeTracking,
            Slot = null,
            Publication = null,
        });
        definition.Objects.Should().HaveCount(3);
        definition.Objects[0].Should().BeEquivalentTo(new ObjectDefinition { Schema = "public", Exclude = ["audit_log", "tmp table"] });
        definition.Objects[1].Should().BeEquivalentTo(new ObjectDefinition
        {
            Schema = "sales",
            Table = "Order Details",
            Keys = ["order_id", "line_no"],
            ScdType = 2,
            DestinationTable = "order_details_history",
        });
        definition.Objects[2].Should().BeEquivalentTo(new ObjectDefinition { Schema = "sales", Table = "Customers", ScdType = 1, SoftDeletes = true });
        definition.Staging.Should().Be(new StagingDefinition
        {
            Location = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net",
            Container = "ingest-staging-2",
            Prefix = "teams/drivers",
        });
        definition.Destination.Should().Be(new DestinationDefinition
        {
            Kind = DestinationKind.Postgres,
            Connection = "Host=target;Database=dw",
            Schema = "analytics",
            ScdType = 2,
            SoftDeletes = false,
        });
        definition.Schedule.Should().Be("*/15 * * * *");
        definition.Tags.Should().Equal(new Dictionary<string, string> { ["team"] = "data-platform", ["cost_center"] = "4711" });
        definition.Budget.Should().Be(new BudgetDefinition { Name = "data-platform-monthly", Amount = 200.50m, Period = "month" });
        definition.Run.Should().Be(new RunSettings { Parallelism = 8, SnapshotChunkRows = 50_000, MaxBatchRows = 1_000_000 });
    }

    [Fact]
    public void Minimal_file_takes_the_documented_defaults()
    {
        var definition = PipelineTestFiles.Load(PipelineTestFiles.Minimal);

        definition.Source.CaptureMode.Should().Be(CaptureMode.Auto);
        definition.Source.Slot.Should().Be("ingest_demo");
        definition.Source.Publication.Should().Be("ingest_demo");
        definition.Objects.Should().ContainSingle().Which.Should().BeEquivalentTo(new ObjectDefinition { Schema = "public" });
        definition.Staging.Container.Should().Be("ingest-staging");
        definition.Staging.Prefix.Should().Be("demo", "the prefix defaults to the pipeline name");
        definition.Destination.Schema.Should().Be("ingest");
        definition.Destination.ScdType.Should().Be(1);
        definition.Destination.SoftDeletes.Should().BeFalse();
        definition.Schedule.Should().BeNull();
        definition.Tags.Should().BeEmpty();
        definition.Budget.Should().BeNull();
        definition.Run.Should().Be(new RunSettings());
    }

    [Fact]
    public void Postgres_slot_and_publication_are_kept_when_given()
    {
        var yaml = PipelineTestFiles.Minimal.Replace("  connection: ${env:SRC}\n", "  connection: ${env:SRC}\n  slot: my_slot\n  publication: My Publication\n", StringComparison.Ordinal);

        var source = PipelineTestFiles.Load(yaml).Source;

        source.Slot.Should().Be("my_slot");
        source.Publication.Should().Be("My Publication");
    }

    [Fact]
    public void Default_slot_name_is_identifier_safe_and_bounded()
    {
        PipelineNames.DefaultSlotName("drivers-demo").Should().Be("ingest_drivers_demo");
        var longName = new string('a', 60) + "-x";
        var slot = PipelineNames.DefaultSlotName(longName);
        slot.Should().HaveLength(63).And.StartWith("ingest_aaaa").And.MatchRegex("_[0-9a-f]{8}$");
        PipelineNames.DefaultSlotName(new string('a', 60) + "-y").Should().NotBe(slot);
    }

    [Fact]
    public void Null_values_count_as_absent()
    {
        var yaml = PipelineTestFiles.Minimal + "schedule:\ntags: ~\nrun: null\n";

        var definition = PipelineTestFiles.Load(yaml);

        definition.Schedule.Should().BeNull();
        definition.Tags.Should().BeEmpty();
        definition.Run.Should().Be(new RunSettings());
    }

    [Fact]
    public void LoadFile_reads_the_file_and_records_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pipeline-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, PipelineTestFiles.Minimal);
        try
        {
            var definition = PipelineLoader.LoadFile(path, PipelineTestFiles.FakeEnvironment);

            definition.SourceFile.Should().Be(path);
            definition.Name.Should().Be("demo");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Anchors_and_aliases_are_resolved()
    {
        var yaml = PipelineTestFiles.Minimal.Replace("  - schema: public\n", "  - schema: &s public\n    table: a\n  - schema: *s\n    table: b\n", StringComparison.Ordinal);

        var objects = PipelineTestFiles.Load(yaml).Objects;

        objects.Select(o => (o.Schema, o.Table)).Should().Equal(("public", "a"), ("public", "b"));
    }
}
