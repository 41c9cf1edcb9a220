namespace Cdc.Core.Pipeline;

/// <summary>One problem in a pipeline file, located by line and column (both 1-based) and by field path such as
/// <c>objects[1].scd_type</c>. An empty <see cref="FieldPath"/> means the problem is not inside any one field.</summary>
public sealed record PipelineValidationError(string File, int Line, int Column, string FieldPath, string Message)
{
    /// <summary><c>file:line:col: field: message</c>, the form compilers use so editors can jump to it.</summary>
    public override string ToString() =>
        FieldPath.Length == 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}:{Column}: {FieldPath}: {Message}";
}
