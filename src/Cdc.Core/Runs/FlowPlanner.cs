using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Sources;
using Cdc.Core.Targets;

namespace Cdc.Core.Runs;

/// <summary>Turns a pipeline's <c>objects</c> into what the source resolves and the flows the ingest step applies.</summary>
public static class FlowPlanner
{
    /// <summary>One selection per whole schema and per distinct source table (a table feeding two targets is read once).</summary>
    public static IReadOnlyList<TableSelection> Selections(PipelineDefinition pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var selections = new List<TableSelection>();
        foreach (var entry in pipeline.Objects)
        {
            if (entry.Table is null)
            {
                selections.Add(new TableSelection(entry.Schema, null, null, entry.Exclude, entry.CaptureMode));
                continue;
            }
            var existing = selections.FindIndex(s => s.Table is not null && s.Schema == entry.Schema && s.Table == entry.Table);
            if (existing < 0)
            {
                selections.Add(new TableSelection(entry.Schema, entry.Table, entry.Keys, [], entry.CaptureMode));
            }
            else if (entry.Keys is not null)
            {
                var keys = selections[existing].KeyColumns;
                if (keys is not null && !keys.SequenceEqual(entry.Keys, StringComparer.Ordinal))
                    throw new InvalidOperationException($"Pipeline '{pipeline.Name}': table {entry.Schema}.{entry.Table} appears twice in objects with different keys.");
                selections[existing] = selections[existing] with { KeyColumns = entry.Keys };
            }
        }
        return selections;
    }

    /// <summary>The selection that captures one table: its own entry, else its schema's whole-schema entry (narrowed to
    /// the table) unless that entry excludes it; null when the pipeline does not capture the table.</summary>
    public static TableSelection? SelectionFor(PipelineDefinition pipeline, TableId table)
    {
        var selections = Selections(pipeline);
        return selections.FirstOrDefault(s => s.Schema == table.Schema && s.Table == table.Name)
            ?? (selections.FirstOrDefault(s => s.Schema == table.Schema && s.Table is null) is { } schema && !schema.Exclude.Contains(table.Name, StringComparer.Ordinal)
                ? schema with { Table = table.Name, Exclude = [] }
                : null);
    }

    /// <summary>The pipeline's tables at the source, one per table, in order: what a run's plan resolves.</summary>
    public static async Task<IReadOnlyList<TableSchema>> DiscoverAsync(ISourceConnector source, PipelineDefinition pipeline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return (await source.DiscoverAsync(Selections(pipeline), cancellationToken))
            .GroupBy(t => t.Table).Select(g => g.First()).OrderBy(t => t.Table).ToList();
    }

    /// <summary>The flows for the discovered tables: a table's own entries win over its schema's entry.</summary>
    public static IReadOnlyList<IngestFlow> Flows(PipelineDefinition pipeline, IEnumerable<TableSchema> tables)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(tables);
        var destination = pipeline.Destination;
        var flows = new List<IngestFlow>();
        foreach (var table in tables)
        {
            var entries = pipeline.Objects.Where(o => o.Table == table.Table.Name && o.Schema == table.Table.Schema).ToList();
            if (entries.Count == 0) entries = pipeline.Objects.Where(o => o.Table is null && o.Schema == table.Table.Schema).Take(1).ToList();
            foreach (var entry in entries)
            {
                var scdType = entry.ScdType ?? destination.ScdType;
                flows.Add(new IngestFlow(
                    pipeline.Name,
                    table.Table,
                    destination.Schema,
                    entry.DestinationTable ?? table.Table.Name,
                    scdType,
                    scdType == 1 && (entry.SoftDeletes ?? destination.SoftDeletes)));
            }
        }
        return flows;
    }
}
