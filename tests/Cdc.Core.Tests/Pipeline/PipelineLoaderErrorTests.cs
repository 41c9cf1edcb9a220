using Cdc.Core.Pipeline;
using static Cdc.Core.Tests.Pipeline.PipelineTestFiles;

namespace Cdc.Core.Tests.Pipeline;

// Minimal, by line: 1 name, 2 source, 3 kind, 4 connection, 5 objects, 6 "- schema: public", 7 staging,
// 8 location, 9 destination, 10 kind, 11 connection; appended sections start at line 12.
public sealed class PipelineLoaderErrorTests
{
    [Fact]
    public void Missing_required_fields_point_at_the_enclosing_mapping()
    {
        var yaml = """
            source:
              kind: postgres
              connection: ${env:SRC}
            objects:
              - schema: public
            staging:
              location: ./staging
            destination:
              connection: ${env:DST}

            """;

        var errors = ErrorsOf(yaml);

        errors.ErrorAt("name", 1, 1).Should().Contain("is required");
        errors.ErrorAt("destination.kind", 8, 1).Should().Contain("is required").And.Contain("postgres, sqlserver");
        errors.Should().HaveCount(2);
    }

    [Fact]
    public void Missing_sections_are_each_reported()
    {
        var errors = ErrorsOf("name: demo\n");

        errors.Select(e => e.FieldPath).Should().BeEquivalentTo("source", "objects", "staging", "destination");
        errors.Should().OnlyContain(e => e.Line == 1 && e.Column == 1);
    }

    [Fact]
    public void Unknown_key_suggests_the_close_one()
    {
        var errors = ErrorsOf(MinimalWithLine(11, "  connection: ${env:DST}\n  scdtype: 2"));

        errors.ErrorAt("destination.scdtype", 12, 3).Should().Be("unknown key 'scdtype'; did you mean 'scd_type'?");
    }

    [Fact]
    public void Unknown_key_suggests_across_naming_styles_and_lists_keys_when_nothing_is_close()
    {
        var errors = ErrorsOf(Minimal + "  softDeletes: true\ncolour: red\n");

        errors.ErrorAt("destination.softDeletes", 12, 3).Should().Contain("did you mean 'soft_deletes'?");
        errors.ErrorAt("colour", 13, 1).Should().Contain("expected one of: name, source, objects, staging, destination, schedule, tags, budget, run");
    }

    [Fact]
    public void Wrong_scalar_types_are_reported_at_the_value()
    {
        var yaml = MinimalWithLine(1, "name: 123").Replace("  connection: ${env:DST}\n", "  connection: ${env:DST}\n  soft_deletes: yes\nrun: { parallelism: four, max_batch_rows: \"5000\" }\n", StringComparison.Ordinal);

        var errors = ErrorsOf(yaml);

        errors.ErrorAt("name", 1, 7).Should().Contain("expected text, found an integer").And.Contain("quotes");
        errors.ErrorAt("destination.soft_deletes", 12, 17).Should().Contain("expected true or false, found text");
        errors.ErrorAt("run.parallelism", 13, 21).Should().Contain("expected an integer, found text");
        errors.ErrorAt("run.max_batch_rows", 13, 43).Should().Contain("expected an integer").And.Contain("without separators or quotes");
    }

    [Fact]
    public void Mapping_where_a_value_is_expected_is_refused()
    {
        var errors = ErrorsOf(MinimalWithLine(8, "  location:\n    path: ./staging"));

        errors.ErrorAt("staging.location", 9, 5).Should().Contain("expected text, found a mapping");
    }

    [Fact]
    public void Enum_values_list_the_allowed_ones()
    {
        var errors = ErrorsOf(MinimalWithLine(3, "  kind: mysql").Replace("  kind: postgres\n  connection: ${env:DST}", "  kind: Postgres\n  connection: ${env:DST}", StringComparison.Ordinal));

        errors.ErrorAt("source.kind", 3, 9).Should().Be("'mysql' is not one of: postgres, sqlserver");
        errors.ErrorAt("destination.kind", 10, 9).Should().Contain("did you mean 'postgres'?");
    }

    [Fact]
    public void Capture_mode_values_are_checked_for_sqlserver()
    {
        var errors = ErrorsOf(MinimalWithLine(3, "  kind: sqlserver\n  capture_mode: changetracking"));

        errors.ErrorAt("source.capture_mode", 4, 17).Should().Contain("auto, change_tracking, cdc").And.Contain("did you mean 'change_tracking'?");
    }

    [Theory]
    [InlineData("Drivers Demo")]
    [InlineData("-demo")]
    [InlineData("demo.v2")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890abcd")]
    public void Name_must_match_the_pattern(string name)
    {
        var errors = ErrorsOf(MinimalWithLine(1, $"name: \"{name}\""));

        errors.ErrorAt("name", 1, 7).Should().Contain($"'{name}' is not a valid pipeline name");
    }

    [Fact]
    public void Unset_environment_variable_is_named_and_the_connection_string_is_not_echoed()
    {
        var errors = ErrorsOf(MinimalWithLine(4, "  connection: Host=db;Password=hunter2;User=${env:MISSING_USER}"));

        var message = errors.ErrorAt("source.connection", 4, 15);
        message.Should().Be("environment variable MISSING_USER is not set");
        errors.Should().OnlyContain(e => !e.ToString().Contains("hunter2", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("${env:}", "malformed placeholder '${env:}'")]
    [InlineData("${SRC}", "malformed placeholder '${SRC}'")]
    [InlineData("${env:1ABC}", "malformed placeholder '${env:1ABC}'")]
    [InlineData("Password=top-secret;${env:SRC", "never closed")]
    [InlineData("${env:SRC;Password=top-secret}", "malformed placeholder at character 1")]
    public void Malformed_placeholder_is_reported_without_the_secret(string connection, string expected)
    {
        var errors = ErrorsOf(MinimalWithLine(4, $"  connection: \"{connection}\""));

        var message = errors.ErrorAt("source.connection", 4, 15);
        message.Should().Contain(expected);
        message.Should().NotContain("top-secret");
    }

    [Fact]
    public void Object_entry_without_schema_is_reported_at_the_entry()
    {
        var errors = ErrorsOf(MinimalWithLine(6, "  - schema: public\n  - table: drivers"));

        errors.ErrorAt("objects[1].schema", 7, 5).Should().Contain("is required");
    }

    [Fact]
    public void Exclude_together_with_table_is_refused()
    {
        var errors = ErrorsOf(MinimalWithLine(6, "  - schema: public\n    table: drivers\n    exclude: [audit_log]"));

        errors.ErrorAt("objects[0].exclude", 8, 5).Should().Contain("whole-schema entries");
    }

    [Fact]
    public void Keys_on_a_whole_schema_entry_is_refused()
    {
        var errors = ErrorsOf(MinimalWithLine(6, "  - schema: public\n    keys: [id]"));

        errors.ErrorAt("objects[0].keys", 7, 5).Should().Contain("single-table entries");
    }

    [Fact]
    public void Scd_type_must_be_1_or_2()
    {
        var errors = ErrorsOf(MinimalWithLine(6, "  - schema: public\n  - schema: sales\n    scd_type: 3"));

        errors.ErrorAt("objects[1].scd_type", 8, 15).Should().Be("must be 1 (keep the latest version) or 2 (keep history); found 3");
    }

    [Fact]
    public void Soft_deletes_with_scd_type_2_is_refused_whether_set_on_the_entry_or_inherited()
    {
        var yaml = MinimalWithLine(6, "  - schema: public\n    scd_type: 2\n    soft_deletes: true\n  - schema: sales\n    soft_deletes: true")
            + "  scd_type: 2\n";

        var errors = ErrorsOf(yaml);

        errors.ErrorAt("objects[0].soft_deletes", 8, 19).Should().Contain("SCD type 1 only");
        errors.ErrorAt("objects[1].soft_deletes", 10, 19).Should().Contain("takes scd_type 2 from destination");
    }

    [Fact]
    public void Soft_deletes_with_scd_type_2_on_the_destination_is_refused()
    {
        var errors = ErrorsOf(Minimal + "  scd_type: 2\n  soft_deletes: true\n");

        errors.ErrorAt("destination.soft_deletes", 13, 17).Should().Contain("SCD type 1 only");
    }

    [Fact]
    public void Two_objects_landing_in_the_same_destination_table_are_refused()
    {
        var errors = ErrorsOf(MinimalWithLine(6, "  - schema: public\n    table: drivers\n  - schema: sales\n    table: orders\n    destination_table: drivers"));

        errors.ErrorAt("objects[1].destination_table", 10, 24).Should().Contain("objects[0] already lands in destination table 'drivers'");
    }

    [Fact]
    public void Same_table_twice_without_destination_table_is_refused()
    {
        var errors = ErrorsOf(MinimalWithLine(6, "  - schema: public\n    table: drivers\n    scd_type: 1\n  - schema: public\n    table: drivers\n    scd_type: 2"));

        errors.ErrorAt("objects[1].table", 10, 12).Should().Contain("give this entry a different destination_table");
    }

    [Fact]
    public void Single_table_entry_also_covered_by_a_whole_schema_entry_is_refused_unless_excluded()
    {
        var covered = ErrorsOf(MinimalWithLine(6, "  - schema: public\n  - schema: public\n    table: drivers"));
        covered.ErrorAt("objects[1].table", 8, 12).Should().Contain("add 'drivers' to its exclude");

        var excluded = Load(MinimalWithLine(6, "  - schema: public\n    exclude: [drivers]\n  - schema: public\n    table: drivers"));
        excluded.Objects.Should().HaveCount(2);
    }

    [Fact]
    public void Sqlserver_destination_compares_table_names_ignoring_case()
    {
        var yaml = MinimalWithLine(6, "  - schema: dbo\n    table: Orders\n  - schema: dbo\n    table: orders")
            .Replace("  kind: postgres\n  connection: ${env:DST}", "  kind: sqlserver\n  connection: ${env:DST}", StringComparison.Ordinal);

        ErrorsOf(yaml).ErrorAt("objects[1].table", 9, 12).Should().Contain("'orders'");
    }

    [Fact]
    public void Duplicate_keys_are_reported_and_loading_goes_on()
    {
        var errors = ErrorsOf(Minimal + "tags:\n  team: a\n  team: b\nrun: { parallelism: 0 }\n");

        errors.ErrorAt("tags.team", 14, 3).Should().Contain("duplicate key 'team' (first given at line 13, column 3)");
        errors.ErrorAt("run.parallelism", 15, 21).Should().Contain("between 1 and 64");
    }

    [Fact]
    public void Tag_keys_differing_only_in_case_are_duplicates()
    {
        var errors = ErrorsOf(Minimal + "tags:\n  team: a\n  Team: b\n");

        errors.ErrorAt("tags.Team", 14, 3).Should().Contain("repeats 'team' from line 13");
    }

    [Fact]
    public void Empty_tags_are_refused()
    {
        ErrorsOf(Minimal + "tags: {}\n").ErrorAt("tags", 12, 7).Should().Contain("is empty");

        var errors = ErrorsOf(Minimal + "tags:\n  team: \"\"\n  4711: x\n");
        errors.ErrorAt("tags.team", 13, 9).Should().Be("must not be empty");
        errors.ErrorAt("tags", 14, 3).Should().Contain("expected text, found an integer");
    }

    [Fact]
    public void Capture_mode_on_a_postgres_source_is_refused()
    {
        var errors = ErrorsOf(MinimalWithLine(4, "  connection: ${env:SRC}\n  capture_mode: cdc"));

        errors.ErrorAt("source.capture_mode", 5, 3).Should().Contain("applies only to sqlserver sources");
    }

    [Fact]
    public void Slot_on_a_sqlserver_source_is_refused_and_slot_names_are_checked()
    {
        var sqlserver = ErrorsOf(MinimalWithLine(3, "  kind: sqlserver\n  slot: my_slot"));
        sqlserver.ErrorAt("source.slot", 4, 3).Should().Contain("applies only to postgres sources");

        var badSlot = ErrorsOf(MinimalWithLine(4, "  connection: ${env:SRC}\n  slot: My-Slot"));
        badSlot.ErrorAt("source.slot", 5, 9).Should().Contain("not a valid replication slot name");

        var badPublication = ErrorsOf(MinimalWithLine(4, "  connection: ${env:SRC}\n  publication: it's"));
        badPublication.ErrorAt("source.publication", 5, 16).Should().Contain("quotes or backslashes");
    }

    [Theory]
    [InlineData("\"61 * * * *\"", "higher than the maximum allowable value for the [Minute] field")]
    [InlineData("\"* * * *\"", "has 4")]
    [InlineData("\"x * * * *\"", "not a valid cron expression")]
    [InlineData("\"0 0 30 2 *\"", "never fires")]
    [InlineData("15min", "neither an interval")]
    [InlineData("0m", "at least 1m")]
    [InlineData("400d", "longer than 366 days")]
    public void Invalid_schedule_is_explained(string schedule, string expected)
    {
        var errors = ErrorsOf(Minimal + $"schedule: {schedule}\n");

        errors.ErrorAt("schedule", 12, 11).Should().Contain(expected);
    }

    [Theory]
    [InlineData("parallelism", "0", "between 1 and 64")]
    [InlineData("parallelism", "65", "between 1 and 64")]
    [InlineData("snapshot_chunk_rows", "999", "between 1,000 and 10,000,000")]
    [InlineData("max_batch_rows", "10000001", "between 1,000 and 10,000,000")]
    [InlineData("max_batch_rows", "99999999999999999999", "between 1,000 and 10,000,000")]
    public void Run_settings_out_of_range_are_refused(string key, string value, string expected)
    {
        var errors = ErrorsOf(Minimal + $"run:\n  {key}: {value}\n");

        errors.ErrorAt($"run.{key}", 13, key.Length + 5).Should().Contain(expected).And.EndWith($"found {value}");
    }

    [Theory]
    [InlineData("s3://bucket/path", "'s3://' locations are not supported")]
    [InlineData("https://acct.blob.core.windows.net", "names no container")]
    [InlineData("https://acct.blob.core.windows.net/container/folder", "put any folder inside it in staging.prefix")]
    [InlineData("AccountKey=c2VjcmV0a2V5;Foo=bar", "neither AccountName nor BlobEndpoint")]
    [InlineData("UseDevelopmentStorage=false", "only accepts 'true'")]
    public void Unrecognised_staging_location_is_refused_without_echoing_it(string location, string expected)
    {
        var errors = ErrorsOf(MinimalWithLine(8, $"  location: \"{location}\""));

        var message = errors.ErrorAt("staging.location", 8, 13);
        message.Should().Contain(expected);
        message.Should().NotContain("c2VjcmV0a2V5");
    }

    [Fact]
    public void Container_is_refused_for_folders_and_checked_for_blob_storage()
    {
        var folder = ErrorsOf(MinimalWithLine(8, "  location: ./staging\n  container: mine"));
        folder.ErrorAt("staging.container", 9, 3).Should().Contain("a folder location has no container");

        var badName = ErrorsOf(MinimalWithLine(8, "  location: UseDevelopmentStorage=true\n  container: My_Container"));
        badName.ErrorAt("staging.container", 9, 14).Should().Contain("not a valid blob container name");
    }

    [Theory]
    [InlineData("/absolute")]
    [InlineData("a/../b")]
    [InlineData("with space")]
    public void Prefix_must_be_a_relative_path(string prefix)
    {
        var errors = ErrorsOf(MinimalWithLine(8, $"  location: ./staging\n  prefix: \"{prefix}\""));

        errors.ErrorAt("staging.prefix", 9, 11).Should().Contain("not a valid prefix");
    }

    [Fact]
    public void Invalid_yaml_syntax_gives_the_parser_position()
    {
        var errors = ErrorsOf(MinimalWithLine(4, "  connection: ${env:SRC}\n   slot: x"));

        var error = errors.Should().ContainSingle().Subject;
        error.Line.Should().Be(5);
        error.Message.Should().StartWith("invalid YAML: ");
    }

    [Fact]
    public void Unclosed_flow_collection_points_at_its_opening_bracket()
    {
        var errors = ErrorsOf(Minimal + "tags: { team: a\nrun: { parallelism: 2 }\n");

        var error = errors.Should().ContainSingle().Subject;
        (error.Line, error.Column).Should().Be((12, 7));
        error.Message.Should().Contain("never closed");
    }

    [Fact]
    public void Top_level_must_be_a_mapping()
    {
        ErrorsOf("- a\n- b\n").Should().ContainSingle().Which.Message.Should().Contain("expected a mapping of pipeline settings");
        ErrorsOf("").Should().ContainSingle().Which.Message.Should().Contain("the file is empty");
        ErrorsOf("# only a comment\n").Should().ContainSingle().Which.Message.Should().Contain("the file is empty");
    }

    [Fact]
    public void Second_document_is_refused()
    {
        var errors = ErrorsOf(Minimal + "---\nname: other\n");

        errors.Should().ContainSingle().Which.Message.Should().Contain("more than one YAML document");
    }

    [Fact]
    public void Objects_must_be_a_non_empty_list_of_mappings()
    {
        ErrorsOf(MinimalWithLine(6, "  []").Replace("objects:\n  []", "objects: []", StringComparison.Ordinal))
            .ErrorAt("objects", 5, 10).Should().Contain("at least one");

        ErrorsOf(MinimalWithLine(6, "  - public")).ErrorAt("objects[0]", 6, 5).Should().Contain("expected a mapping with schema");
    }

    [Fact]
    public void Multiple_errors_are_reported_together_in_file_order()
    {
        var yaml = MinimalWithLine(1, "name: Demo")
            .Replace("  kind: postgres\n  connection: ${env:SRC}", "  kind: oracle\n  connection: ${env:SRC}", StringComparison.Ordinal)
            .Replace("  location: ./staging", "  location: ftp://host/x", StringComparison.Ordinal)
            + "run: { parallelism: 100 }\n";

        var exception = FluentActions.Invoking(() => Load(yaml)).Should().Throw<PipelineValidationException>().Which;

        exception.Errors.Select(e => e.FieldPath).Should().Equal("name", "source.kind", "staging.location", "run.parallelism");
        exception.Message.Split('\n').Should().Equal(exception.Errors.Select(e => $"{e.File}:{e.Line}:{e.Column}: {e.FieldPath}: {e.Message}"));
        exception.Message.Should().StartWith("pipeline.yaml:1:7: name: 'Demo' is not a valid pipeline name");
    }

    [Fact]
    public void Secrets_never_reach_any_message()
    {
        var yaml = MinimalWithLine(8, "  location: DefaultEndpointsProtocol=https;AccountKey=${env:SRC}")
            + "  connection: again\n";

        var exception = FluentActions.Invoking(() => Load(yaml)).Should().Throw<PipelineValidationException>().Which;

        exception.Message.Should().NotContain("source-secret").And.NotContain("target-secret");
    }
}
