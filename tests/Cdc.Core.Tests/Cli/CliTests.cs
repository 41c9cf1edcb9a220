using Cdc.Core.Tests.Fixtures;
using Npgsql;

namespace Cdc.Core.Tests.Cli;

[Collection(PostgresCollection.Name)]
public sealed class CliTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-cli-tests-").FullName;

    [Fact]
    public async Task Validate_reports_every_error_with_file_line_and_field_and_exits_2()
    {
        var file = Path.Combine(_folder, "bad.yaml");
        await File.WriteAllTextAsync(file, """
            name: Bad Name
            source:
              kind: postgres
              connection: Host=x
            objects:
              - schema: public
                scd_type: 3
            staging:
              location: ./staging
            destination:
              kind: postgres
              connection: Host=y
            """);

        var result = await IngestProcess.RunAsync(["validate", file]);

        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain("bad.yaml:1:").And.Contain("name").And.Contain("bad.yaml:7:").And.Contain("objects[0].scd_type");
    }

    [Fact]
    public async Task Validate_with_source_checks_each_table_against_the_source_and_names_what_cannot_be_captured()
    {
        var source = await postgres.NewDatabaseAsync("clivalidate");
        await using (var connection = new NpgsqlConnection(source))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE public.good (id int PRIMARY KEY, note text); CREATE TABLE public.tagged (id int PRIMARY KEY, tags text[])", connection);
            await create.ExecuteNonQueryAsync();
        }
        string Pipeline(string table) => $"""
            name: validate-source
            source:
              kind: postgres
              connection: ${"{"}env:CLI_SOURCE{"}"}
            objects:
              - schema: public
                table: {table}
            staging:
              location: {Path.Combine(_folder, "staging")}
            destination:
              kind: postgres
              connection: Host=unused
            """;
        var good = Path.Combine(_folder, "good.yaml");
        var tagged = Path.Combine(_folder, "tagged.yaml");
        await File.WriteAllTextAsync(good, Pipeline("good"));
        await File.WriteAllTextAsync(tagged, Pipeline("tagged"));
        var environment = new Dictionary<string, string> { ["CLI_SOURCE"] = source };

        var fine = await IngestProcess.RunAsync(["validate", good, "--source"], environment);
        var refused = await IngestProcess.RunAsync(["validate", tagged, "--source"], environment);

        fine.ExitCode.Should().Be(0, fine.Error);
        fine.Output.Should().Contain("public.good: 2 columns, key (id)").And.Contain("1 table can be captured");
        refused.ExitCode.Should().Be(2, refused.Output);
        refused.Error.Should().Contain("tagged.yaml: source:").And.Contain("tags").And.Contain("arrays are not supported");
        Directory.Exists(Path.Combine(_folder, "staging")).Should().BeFalse("checking the source touches nothing else");
        await using (var connection = new NpgsqlConnection(source))
        {
            await connection.OpenAsync();
            await using var slots = new NpgsqlCommand("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()", connection);
            ((long)(await slots.ExecuteScalarAsync())!).Should().Be(0, "validation creates no replication slot");
        }
    }

    [Fact]
    public async Task Run_then_status_then_a_full_refresh_of_an_unknown_table()
    {
        var source = await postgres.NewDatabaseAsync("clisrc");
        var target = await postgres.NewDatabaseAsync("clitgt");
        await using (var connection = new NpgsqlConnection(source))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE public.\"Order Details\" (id int PRIMARY KEY, note text); INSERT INTO public.\"Order Details\" SELECT g, 'row ' || g FROM generate_series(1, 50) g", connection);
            await create.ExecuteNonQueryAsync();
        }
        var slot = $"ingest_cli_{Guid.NewGuid():N}"[..28];
        var file = Path.Combine(_folder, "pipeline.yaml");
        await File.WriteAllTextAsync(file, $"""
            name: cli-test
            source:
              kind: postgres
              connection: ${"{"}env:CLI_SOURCE{"}"}
              slot: {slot}
              publication: {slot}
            objects:
              - schema: public
                table: Order Details
            staging:
              location: {Path.Combine(_folder, "staging")}
            destination:
              kind: postgres
              connection: ${"{"}env:CLI_TARGET{"}"}
              schema: mirror
            """);
        var environment = new Dictionary<string, string> { ["CLI_SOURCE"] = source, ["CLI_TARGET"] = target };

        var run = await IngestProcess.RunAsync(["run", file], environment);
        run.ExitCode.Should().Be(0, run.Output + run.Error);
        run.Output.Should().Contain("snapshot").And.Contain("public.Order Details").And.Contain("Succeeded");

        var status = await IngestProcess.RunAsync(["status", file], environment);
        status.ExitCode.Should().Be(0, status.Error);
        status.Output.Should().Contain("mirror.Order Details").And.Contain("gen 1 complete").And.Contain("lease: free");

        var refresh = await IngestProcess.RunAsync(["run", file, "--full-refresh", "public.nope"], environment);
        refresh.ExitCode.Should().Be(1);
        refresh.Output.Should().Contain("public.nope");
    }

    [Fact]
    public async Task Demo_runs_the_drivers_walkthrough_and_exits_0()
    {
        var result = await IngestProcess.RunAsync(["demo"], timeout: TimeSpan.FromMinutes(4));

        result.ExitCode.Should().Be(0, result.Output + result.Error);
        result.Output.Should().Contain("SDF456").And.Contain("Jack William").And.Contain("email").And.Contain("__END_AT").And.Contain("demo complete");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
