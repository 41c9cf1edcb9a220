using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;

namespace Cdc.Core.Tests.Orchestration;

public sealed class CatalogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-catalog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Yaml(string name, string? schedule = null) => $"""
        name: {name}
        source:
          kind: postgres
          connection: ${"{"}env:SRC{"}"}
        objects:
          - schema: public
        staging:
          location: ./staging
        destination:
          kind: postgres
          connection: Host=target
        {(schedule is null ? "" : $"schedule: \"{schedule}\"")}
        """;

    private static string? Environment(string name) => name == "SRC" ? "Host=source;Password=secret" : null;

    private string Write(string fileName, string text)
    {
        var path = Path.Combine(_folder, fileName);
        File.WriteAllText(path, text);
        return path;
    }

    private FolderPipelineCatalog Catalog() => new(_folder, Environment);

    [Fact]
    public async Task A_folder_lists_its_yaml_and_yml_pipelines_by_name_and_ignores_other_files()
    {
        Write("b.yaml", Yaml("zeta", "15m"));
        Write("a.YML", Yaml("alpha"));
        Write("notes.txt", "not a pipeline");
        Write("c.yaml.bak", "name: [broken");
        Directory.CreateDirectory(Path.Combine(_folder, "nested"));
        File.WriteAllText(Path.Combine(_folder, "nested", "deep.yaml"), Yaml("deep"));

        var pipelines = await Catalog().ListAsync(CancellationToken.None);

        pipelines.Select(p => p.Name).Should().Equal("alpha", "zeta");
        pipelines[1].Schedule.Should().Be("15m");
        pipelines[0].Source.Connection.Should().Be("Host=source;Password=secret", "placeholders are resolved from the environment given");
    }

    [Fact]
    public async Task Get_finds_a_pipeline_by_its_name_field_not_its_file_name()
    {
        Write("whatever.yaml", Yaml("orders"));

        var pipeline = await Catalog().GetAsync("orders", CancellationToken.None);

        pipeline.Name.Should().Be("orders");
        pipeline.SourceFile.Should().EndWith("whatever.yaml");
    }

    [Fact]
    public async Task A_missing_pipeline_is_named_with_those_present()
    {
        Write("a.yaml", Yaml("alpha"));
        Write("b.yaml", Yaml("beta"));

        var get = () => Catalog().GetAsync("orders", CancellationToken.None);

        var error = (await get.Should().ThrowAsync<PipelineNotFoundException>()).Which;
        error.Message.Should().Contain("'orders'").And.Contain(_folder).And.Contain("alpha, beta");
        error.Present.Should().Equal("alpha", "beta");
    }

    [Fact]
    public async Task A_missing_pipeline_in_an_empty_folder_says_the_folder_holds_none()
    {
        var get = () => Catalog().GetAsync("orders", CancellationToken.None);

        (await get.Should().ThrowAsync<PipelineNotFoundException>()).Which.Message.Should().Contain("no pipeline files");
    }

    [Fact]
    public async Task Invalid_files_surface_every_validation_error_with_their_file()
    {
        Write("good.yaml", Yaml("good"));
        var bad1 = Write("bad1.yaml", Yaml("bad-one").Replace("kind: postgres\n  connection: Host=target", "kind: oracle\n  connection: Host=target", StringComparison.Ordinal));
        var bad2 = Write("bad2.yaml", "name: [unclosed");

        var list = () => Catalog().ListAsync(CancellationToken.None);

        var errors = (await list.Should().ThrowAsync<PipelineValidationException>()).Which.Errors;
        errors.Should().Contain(e => e.File == bad1 && e.FieldPath == "destination.kind");
        errors.Should().Contain(e => e.File == bad2);
        errors.Should().NotContain(e => e.File.EndsWith("good.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_valid_pipeline_is_found_despite_a_broken_file_but_a_missing_one_reports_the_broken_file()
    {
        Write("good.yaml", Yaml("good"));
        var broken = Write("broken.yaml", "name: [unclosed");

        (await Catalog().GetAsync("good", CancellationToken.None)).Name.Should().Be("good");
        var missing = () => Catalog().GetAsync("maybe-the-broken-one", CancellationToken.None);
        (await missing.Should().ThrowAsync<PipelineValidationException>()).Which.Errors.Should().Contain(e => e.File == broken);
    }

    [Fact]
    public async Task Two_files_with_one_pipeline_name_are_an_error_naming_both()
    {
        var first = Write("a.yaml", Yaml("orders"));
        var second = Write("b.yaml", Yaml("orders"));

        var list = () => Catalog().ListAsync(CancellationToken.None);
        var get = () => Catalog().GetAsync("orders", CancellationToken.None);

        var error = (await list.Should().ThrowAsync<PipelineValidationException>()).Which.Errors.Should().ContainSingle().Subject;
        error.File.Should().Be(second);
        error.FieldPath.Should().Be("name");
        error.Message.Should().Contain("'orders'").And.Contain(first);
        await get.Should().ThrowAsync<PipelineValidationException>("neither file is trusted while the name is ambiguous");
    }

    [Fact]
    public async Task Files_and_folders_mix_and_a_path_that_does_not_exist_is_named()
    {
        var extra = Directory.CreateTempSubdirectory("ingest-catalog-file-").FullName;
        try
        {
            Write("a.yaml", Yaml("alpha"));
            var single = Path.Combine(extra, "single.pipeline");
            File.WriteAllText(single, Yaml("single"));

            var mixed = new FolderPipelineCatalog([_folder, single], Environment);
            (await mixed.ListAsync(CancellationToken.None)).Select(p => p.Name).Should().Equal("alpha", "single");

            var missingPath = Path.Combine(extra, "missing");
            var broken = () => new FolderPipelineCatalog([missingPath], Environment).ListAsync(CancellationToken.None);
            (await broken.Should().ThrowAsync<DirectoryNotFoundException>()).Which.Message.Should().Contain(missingPath);
        }
        finally
        {
            Directory.Delete(extra, recursive: true);
        }
    }

    [Fact]
    public async Task An_edited_file_is_read_again_on_the_next_call()
    {
        var path = Write("a.yaml", Yaml("orders", "15m"));
        var catalog = Catalog();
        (await catalog.GetAsync("orders", CancellationToken.None)).Schedule.Should().Be("15m");

        File.WriteAllText(path, Yaml("orders", "1h"));

        (await catalog.GetAsync("orders", CancellationToken.None)).Schedule.Should().Be("1h");
    }

    [Fact]
    public void A_catalog_needs_at_least_one_path()
    {
        var none = () => new FolderPipelineCatalog(Array.Empty<string>());

        none.Should().Throw<ArgumentException>();
    }
}
