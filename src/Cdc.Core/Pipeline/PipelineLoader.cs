using Cdc.Core.Pipeline.Loading;

namespace Cdc.Core.Pipeline;

/// <summary>
/// Loads a pipeline file (YAML, docs/configuration.md) into a validated <see cref="PipelineDefinition"/>. Every
/// problem is collected and reported together in one <see cref="PipelineValidationException"/>, each with file, line,
/// column and field path. <c>${env:NAME}</c> in connection strings and the staging location is replaced from
/// <paramref name="environment"/> (the process environment by default); secrets never appear in messages.
/// </summary>
public static class PipelineLoader
{
    public static PipelineDefinition LoadFile(string path, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Load(File.ReadAllText(path), path, environment);
    }

    /// <param name="fileName">Names the file in messages and becomes <see cref="PipelineDefinition.SourceFile"/>.</param>
    public static PipelineDefinition Load(string yaml, string fileName, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(fileName);
        var errors = new ErrorCollector(fileName);
        var root = YamlDocumentReader.Read(yaml, errors);
        var definition = root is null ? null : PipelineFileReader.Read(root, fileName, errors, environment ?? Environment.GetEnvironmentVariable);
        if (errors.HasErrors || definition is null) throw new PipelineValidationException(errors.Sorted());
        return definition;
    }
}
