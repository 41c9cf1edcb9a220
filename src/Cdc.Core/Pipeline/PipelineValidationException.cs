namespace Cdc.Core.Pipeline;

/// <summary>A pipeline file failed to load. Carries every problem found, not just the first, one per line of
/// <see cref="Exception.Message"/>.</summary>
public sealed class PipelineValidationException : Exception
{
    public PipelineValidationException(IReadOnlyList<PipelineValidationError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<PipelineValidationError> Errors { get; }

    private static string Describe(IReadOnlyList<PipelineValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0) throw new ArgumentException("A validation failure needs at least one error.", nameof(errors));
        return string.Join('\n', errors);
    }
}
