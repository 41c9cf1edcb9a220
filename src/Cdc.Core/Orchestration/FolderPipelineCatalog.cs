using Cdc.Core.Pipeline;

namespace Cdc.Core.Orchestration;

/// <summary>
/// Pipelines read from YAML files: every <c>*.yaml</c> and <c>*.yml</c> file directly inside a folder, or files named
/// one by one. Files are read again on every call, so an edited pipeline takes effect at its next step. A pipeline's
/// name is its <c>name:</c> field, which must be unique across the catalog.
/// </summary>
public sealed class FolderPipelineCatalog : IPipelineCatalog
{
    private readonly IReadOnlyList<string> _paths;
    private readonly Func<string, string?>? _environment;

    /// <param name="environment">Resolves <c>${env:NAME}</c>; the process environment by default.</param>
    public FolderPipelineCatalog(string folder, Func<string, string?>? environment = null)
        : this([folder], environment)
    {
    }

    /// <param name="paths">Folders (their YAML files are read) and single pipeline files, in any mix.</param>
    /// <param name="environment">Resolves <c>${env:NAME}</c>; the process environment by default.</param>
    public FolderPipelineCatalog(IReadOnlyList<string> paths, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0) throw new ArgumentException("A pipeline catalog needs at least one folder or file.", nameof(paths));
        foreach (var path in paths) ArgumentException.ThrowIfNullOrWhiteSpace(path, nameof(paths));
        _paths = paths.ToList();
        _environment = environment;
    }

    /// <summary>The folders and files read, for messages.</summary>
    public string Description => _paths.Count == 1 ? $"'{_paths[0]}'" : string.Join(", ", _paths.Select(p => $"'{p}'"));

    public async Task<IReadOnlyList<PipelineDefinition>> ListAsync(CancellationToken ct)
    {
        var loaded = await LoadAsync(ct);
        if (loaded.Errors.Count > 0) throw new PipelineValidationException(loaded.Errors);
        return loaded.Pipelines;
    }

    public async Task<PipelineDefinition> GetAsync(string name, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        var loaded = await LoadAsync(ct);
        // A broken file elsewhere does not stop a valid pipeline; it only matters when the name is not found, since the
        // pipeline asked for may be the one that failed to load.
        if (loaded.Pipelines.FirstOrDefault(p => p.Name == name) is { } found) return found;
        if (loaded.Errors.Count > 0) throw new PipelineValidationException(loaded.Errors);
        throw new PipelineNotFoundException(name, Description, loaded.Pipelines.Select(p => p.Name).ToList());
    }

    /// <summary>The pipeline files the paths name, in order: a folder's files sorted by name.</summary>
    /// <exception cref="DirectoryNotFoundException">A path is neither a file nor a folder.</exception>
    public IReadOnlyList<string> Files()
    {
        var files = new List<string>();
        foreach (var path in _paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path)
                    .Where(IsPipelineFile)
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new DirectoryNotFoundException($"Pipeline path '{path}' is neither a file nor a folder.");
            }
        }
        return files.Distinct(StringComparer.Ordinal).ToList();
    }

    private static bool IsPipelineFile(string path) =>
        Path.GetExtension(path).Equals(".yaml", StringComparison.OrdinalIgnoreCase) || Path.GetExtension(path).Equals(".yml", StringComparison.OrdinalIgnoreCase);

    private async Task<LoadedCatalog> LoadAsync(CancellationToken ct)
    {
        var errors = new List<PipelineValidationError>();
        var byName = new Dictionary<string, PipelineDefinition>(StringComparer.Ordinal);
        var duplicated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Files())
        {
            PipelineDefinition pipeline;
            try
            {
                pipeline = PipelineLoader.Load(await File.ReadAllTextAsync(file, ct), file, _environment);
            }
            catch (PipelineValidationException ex)
            {
                errors.AddRange(ex.Errors);
                continue;
            }

            if (byName.TryGetValue(pipeline.Name, out var first))
            {
                errors.Add(new PipelineValidationError(file, 1, 1, "name",
                    $"pipeline '{pipeline.Name}' is also defined in {first.SourceFile ?? "another file"}; names must be unique among {Description}"));
                duplicated.Add(pipeline.Name);
                continue;
            }
            byName.Add(pipeline.Name, pipeline);
        }

        var pipelines = byName.Values.Where(p => !duplicated.Contains(p.Name)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        return new LoadedCatalog(pipelines, errors);
    }

    private sealed record LoadedCatalog(IReadOnlyList<PipelineDefinition> Pipelines, IReadOnlyList<PipelineValidationError> Errors);
}
