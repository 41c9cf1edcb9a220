using Cdc.Core.Pipeline;

namespace Cdc.Core.Orchestration;

/// <summary>Pipelines already loaded (a run of one pipeline file, tests).</summary>
public sealed class InMemoryPipelineCatalog : IPipelineCatalog
{
    private readonly IReadOnlyList<PipelineDefinition> _pipelines;

    public InMemoryPipelineCatalog(params IEnumerable<PipelineDefinition> pipelines)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        _pipelines = [.. pipelines.OrderBy(p => p.Name, StringComparer.Ordinal)];
    }

    public Task<IReadOnlyList<PipelineDefinition>> ListAsync(CancellationToken ct) => Task.FromResult(_pipelines);

    public Task<PipelineDefinition> GetAsync(string name, CancellationToken ct) =>
        Task.FromResult(_pipelines.FirstOrDefault(p => p.Name == name)
            ?? throw new PipelineNotFoundException(name, "the pipelines given", [.. _pipelines.Select(p => p.Name)]));
}
