namespace Cdc.Core.Model;

/// <summary>
/// One column as the source declares it. <paramref name="SourceType"/> is the source's own type name
/// (e.g. <c>numeric(38,6)</c>, <c>datetime2(7)</c>) kept for messages and for creating target columns faithfully.
/// </summary>
/// <param name="MaxLength">Character or byte length limit, when the source declares one; null for unbounded.</param>
/// <param name="Precision">Total digits for decimals; fractional-second digits for times and timestamps.</param>
/// <param name="Scale">Digits after the point for decimals.</param>
public sealed record ColumnSchema(
    string Name,
    LogicalType Type,
    bool Nullable = true,
    int? MaxLength = null,
    int? Precision = null,
    int? Scale = null,
    string? SourceType = null);
