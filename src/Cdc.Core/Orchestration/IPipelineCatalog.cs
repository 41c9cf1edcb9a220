using Cdc.Core.Pipeline;

namespace Cdc.Core.Orchestration;

/// <summary>Where pipelines come from (a folder of YAML files, <c>Ingest:PipelinesPath</c>). Activities and triggers
/// look pipelines up by name, so any process can run any step of any pipeline.</summary>
public interface IPipelineCatalog
{
    /// <summary>Every pipeline, ordered by name.</summary>
    /// <exception cref="PipelineValidationException">A pipeline file is invalid (every problem of every file).</exception>
    Task<IReadOnlyList<PipelineDefinition>> ListAsync(CancellationToken ct);

    /// <exception cref="PipelineNotFoundException">No pipeline has that name.</exception>
    /// <exception cref="PipelineValidationException">It is not among the valid files and some file is invalid.</exception>
    Task<PipelineDefinition> GetAsync(string name, CancellationToken ct);
}

/// <summary>A pipeline asked for by name is not in the catalog. The message names it and lists those present.</summary>
public sealed class PipelineNotFoundException(string name, string catalog, IReadOnlyList<string> present)
    : KeyNotFoundException(present.Count == 0
        ? $"Pipeline '{name}' is not in {catalog}: it holds no pipeline files (*.yaml, *.yml)."
        : $"Pipeline '{name}' is not in {catalog}. Pipelines there: {string.Join(", ", present)}.")
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Present { get; } = present;
}
