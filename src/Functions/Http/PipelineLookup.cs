using System.Text.RegularExpressions;
using Cdc.Core.Model;
using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Microsoft.AspNetCore.Mvc;

namespace Ingest.Functions.Http;

/// <summary>A pipeline found by name, or the answer to give when it cannot be.</summary>
internal sealed record Lookup<T>(T? Value, ObjectResult? Problem)
    where T : class;

/// <summary>Checks the names in a request against the catalog: 400 for malformed ones, 404 for unknown ones.</summary>
internal static partial class PipelineLookup
{
    public static async Task<Lookup<PipelineDefinition>> FindAsync(IPipelineCatalog catalog, string name, CancellationToken cancellationToken)
    {
        if (!PipelineNames.IsValidName(name))
            return new(null, ApiResults.BadRequest($"'{name}' is not a pipeline name: lower-case letters, digits, '_' and '-', starting with a letter or digit, at most 63 characters."));
        try
        {
            return new(await catalog.GetAsync(name, cancellationToken), null);
        }
        catch (PipelineNotFoundException e)
        {
            return new(null, ApiResults.NotFound(e.Message));
        }
    }

    /// <summary>Parses <c>schema.table</c> (quote a part that holds a dot: <c>sales."Order.Lines"</c>) and checks that
    /// one of the pipeline's <c>objects</c> covers it. Returns the table in the form orchestration inputs carry.</summary>
    public static Lookup<string> Table(PipelineDefinition pipeline, string text)
    {
        TableId table;
        try
        {
            table = TableId.Parse(text);
        }
        catch (FormatException e)
        {
            return new(null, ApiResults.BadRequest(e.Message));
        }
        return FlowPlanner.SelectionFor(pipeline, table) is not null
            ? new(TableText.Format(table), null)
            : new(null, ApiResults.NotFound($"Table {table} is not among the objects of pipeline '{pipeline.Name}' ({pipeline.SourceFile ?? "its file"}); names are case-sensitive."));
    }

    /// <summary>Run ids as runs make them (<c>20250601T120000-1a2b3c4d</c>); anything else is refused before it
    /// reaches a storage path.</summary>
    public static bool IsRunId(string runId) => RunIdPattern().IsMatch(runId);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex RunIdPattern();
}
