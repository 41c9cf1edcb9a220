using YamlDotNet.RepresentationModel;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>Reads the top level of a pipeline file into a <see cref="PipelineDefinition"/>, delegating each section
/// to its reader. Returns null when anything was wrong; the collector then holds every problem.</summary>
internal static class PipelineFileReader
{
    public static PipelineDefinition? Read(YamlNode rootNode, string file, ErrorCollector errors, Func<string, string?> environment)
    {
        if (rootNode is not YamlMappingNode mapping)
        {
            errors.Add(rootNode.Start, "", $"expected a mapping of pipeline settings (name: ..., source: ...) at the top level, found {ScalarKinds.Describe(rootNode)}");
            return null;
        }

        var root = new YamlMap(mapping, "", mapping.Start, PipelineKeys.Root, errors);
        var name = ReadName(root);
        var source = SourceSectionReader.Read(root, name, environment);
        var destination = DestinationSectionReader.Read(root, environment, out var destinationFacts);
        var objects = ObjectsSectionReader.Read(root, destinationFacts, source?.Kind);
        var staging = StagingSectionReader.Read(root, name, environment);
        var schedule = ReadSchedule(root);
        var tags = ReadTags(root);
        RequiredTagsRule.Check(root, tags, environment);
        var budget = ReadBudget(root);
        var run = ReadRun(root);

        if (errors.HasErrors) return null;
        return new PipelineDefinition
        {
            Name = name!,
            Source = source!,
            Objects = objects!,
            Staging = staging!,
            Destination = destination!,
            Schedule = schedule,
            Tags = tags ?? new Dictionary<string, string>(),
            Budget = budget,
            Run = run ?? new RunSettings(),
            SourceFile = file,
        };
    }

    private static string? ReadName(YamlMap root)
    {
        var name = root.String("name", required: true, "lower-case letters, digits, '_' and '-', e.g. drivers-demo");
        if (name is null || PipelineNames.IsValidName(name)) return name;
        root.Error("name", $"'{name}' is not a valid pipeline name: use lower-case letters, digits, '_' and '-', starting with a letter or digit, at most 63 characters");
        return null;
    }

    private static string? ReadSchedule(YamlMap root)
    {
        var text = root.String("schedule");
        if (text is null || PipelineSchedule.TryParse(text, out _, out var problem)) return text;
        root.Error("schedule", problem);
        return null;
    }

    private static Dictionary<string, string>? ReadTags(YamlMap root) =>
        TagMapReader.Read(root, "tags", "add at least one tag (team: data-platform) or leave tags out");

    private static BudgetDefinition? ReadBudget(YamlMap root)
    {
        var map = root.Map("budget", PipelineKeys.Budget);
        return map is null ? null : BudgetSectionReader.Read(map, nameRequired: false);
    }

    private static RunSettings? ReadRun(YamlMap root)
    {
        var map = root.Map("run", PipelineKeys.Run);
        if (map is null) return null;
        var defaults = new RunSettings();
        return new RunSettings
        {
            Parallelism = map.Int("parallelism", Schema.RunLimits.MinParallelism, Schema.RunLimits.MaxParallelism) ?? defaults.Parallelism,
            SnapshotChunkRows = map.Int("snapshot_chunk_rows", Schema.RunLimits.MinRows, Schema.RunLimits.MaxRows) ?? defaults.SnapshotChunkRows,
            MaxBatchRows = map.Int("max_batch_rows", Schema.RunLimits.MinRows, Schema.RunLimits.MaxRows) ?? defaults.MaxBatchRows,
        };
    }
}
