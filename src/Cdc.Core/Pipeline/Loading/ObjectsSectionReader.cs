using System.Text;
using YamlDotNet.RepresentationModel;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>Reads <c>objects</c>: each entry on its own, then the entries against each other (no two may land in the
/// same destination table).</summary>
internal static class ObjectsSectionReader
{
    /// <param name="sourceKind">Null when the source section has errors; engine-specific keys are then not checked.</param>
    public static IReadOnlyList<ObjectDefinition>? Read(YamlMap root, DestinationFacts destination, SourceKind? sourceKind)
    {
        var sequence = root.Sequence("objects", required: true);
        if (sequence is null) return null;
        if (sequence.Children.Count == 0)
        {
            root.Error("objects", "must list at least one schema or table");
            return null;
        }

        var entries = new List<Entry>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            var path = $"{root.PathOf("objects")}[{i}]";
            if (item is not YamlMappingNode mapping)
            {
                root.Errors.Add(item.Start, path, $"expected a mapping with schema (and optionally table), found {ScalarKinds.Describe(item)}");
                continue;
            }

            var map = new YamlMap(mapping, path, mapping.Start, PipelineKeys.Object, root.Errors);
            if (ReadEntry(map, destination, sourceKind) is { } definition) entries.Add(new Entry(definition, map));
        }

        CheckDestinationsAreDistinct(entries, destination);
        return [.. entries.Select(e => e.Definition)];
    }

    private static ObjectDefinition? ReadEntry(YamlMap map, DestinationFacts destination, SourceKind? sourceKind)
    {
        var schema = map.String("schema", required: true, "the source schema name");
        var table = map.String("table");
        var exclude = map.StringList("exclude", allowEmpty: true);
        var keys = map.StringList("keys", allowEmpty: false);
        var scdType = map.Int("scd_type", 1, 2, DestinationSectionReader.ScdTypeRange);
        var destinationTable = map.String("destination_table");
        var softDeletes = map.Bool("soft_deletes");
        var captureMode = map.Enum("capture_mode", PipelineKeys.CaptureModes);
        var wholeSchema = !map.Has("table");

        if (sourceKind == SourceKind.Postgres && map.Has("capture_mode"))
        {
            map.KeyError("capture_mode", "applies only to sqlserver sources; PostgreSQL always uses logical replication");
        }

        if (!wholeSchema && map.Has("exclude"))
        {
            map.KeyError("exclude", "applies to whole-schema entries; this entry names one table, so leave exclude out or drop table");
        }

        if (wholeSchema && map.Has("keys"))
        {
            map.KeyError("keys", "applies to single-table entries; add table, or give each table its own entry");
        }

        if (wholeSchema && map.Has("destination_table"))
        {
            map.KeyError("destination_table", "applies to single-table entries; a whole schema keeps its table names");
        }

        if (destinationTable is not null && destination.Kind == DestinationKind.Postgres
            && Encoding.UTF8.GetByteCount(destinationTable) > PipelineNames.MaxPostgresIdentifierBytes)
        {
            map.Error("destination_table", $"is longer than PostgreSQL's {PipelineNames.MaxPostgresIdentifierBytes}-byte identifier limit");
        }

        if (softDeletes == true && (scdType ?? destination.ScdType) == 2)
        {
            map.Error("soft_deletes", scdType is null
                ? "applies to SCD type 1 only, and this entry takes scd_type 2 from destination; SCD type 2 already keeps deleted rows as closed history"
                : "applies to SCD type 1 only; SCD type 2 already keeps deleted rows as closed history");
        }

        if (schema is null) return null;
        return new ObjectDefinition
        {
            Schema = schema,
            Table = table,
            Exclude = exclude ?? [],
            Keys = keys,
            ScdType = scdType,
            DestinationTable = destinationTable,
            SoftDeletes = softDeletes,
            CaptureMode = captureMode,
        };
    }

    private static void CheckDestinationsAreDistinct(List<Entry> entries, DestinationFacts destination)
    {
        var wholeSchemas = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var targets = new Dictionary<string, Entry>(destination.TableNames);
        foreach (var entry in entries)
        {
            var definition = entry.Definition;
            if (definition.Table is null)
            {
                if (!wholeSchemas.TryAdd(definition.Schema, entry))
                {
                    entry.Map.Error("schema", $"schema '{definition.Schema}' is already taken whole by {wholeSchemas[definition.Schema].Map.Path}");
                }

                continue;
            }

            var target = definition.DestinationTable ?? definition.Table;
            var targetKey = definition.DestinationTable is null ? "table" : "destination_table";
            if (targets.TryGetValue(target, out var earlier))
            {
                entry.Map.Error(targetKey, $"{earlier.Map.Path} already lands in destination table '{target}'; give this entry a different destination_table");
                continue;
            }

            targets[target] = entry;
        }

        // A single-table entry that a whole-schema entry also covers would land in the same table twice.
        foreach (var entry in entries.Where(e => e.Definition.Table is not null))
        {
            var definition = entry.Definition;
            if (!wholeSchemas.TryGetValue(definition.Schema, out var whole)) continue;
            if (whole.Definition.Exclude.Contains(definition.Table!, StringComparer.Ordinal)) continue;
            if (definition.DestinationTable is not null && !destination.TableNames.Equals(definition.DestinationTable, definition.Table)) continue;
            entry.Map.Error("table", $"{whole.Map.Path} already takes all of schema '{definition.Schema}', including this table; add '{definition.Table}' to its exclude or give this entry a destination_table");
        }
    }

    private sealed record Entry(ObjectDefinition Definition, YamlMap Map);
}
