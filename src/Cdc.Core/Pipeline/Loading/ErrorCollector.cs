using YamlDotNet.Core;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>Gathers every problem found in one pipeline file, so the author sees them all at once.</summary>
internal sealed class ErrorCollector(string file)
{
    private readonly List<PipelineValidationError> _errors = [];

    public string File { get; } = file;

    public bool HasErrors => _errors.Count > 0;

    /// <summary>How many problems are recorded so far; lets a section reader tell whether it added any.</summary>
    public int Count => _errors.Count;

    public void Add(Mark at, string fieldPath, string message) =>
        _errors.Add(new PipelineValidationError(File, (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column), fieldPath, message));

    /// <summary>The errors in file order; ties keep the order they were found in (the sort is stable).</summary>
    public IReadOnlyList<PipelineValidationError> Sorted() => [.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)];
}
