using Cdc.Core.Model;

namespace Cdc.Core.Sources.Postgres;

/// <summary>How one PostgreSQL column type is captured: its logical type and limits, and how a snapshot reads it.</summary>
/// <param name="SelectCast">A type to cast the column to in a snapshot SELECT (e.g. <c>text</c> for numeric, so no
/// digit is lost), or null to read it as it is.</param>
/// <param name="CheckFinite">Date and timestamp columns can hold ±infinity, which has no CLR value; the snapshot asks
/// <c>isfinite</c> alongside them so such a value fails clearly instead of turning into a min/max date.</param>
/// <param name="Orderable">False for json, which has no ordering, so it cannot be part of a key.</param>
internal sealed record PgColumnType(
    LogicalType Type,
    int? MaxLength,
    int? Precision,
    int? Scale,
    string? SelectCast,
    bool CheckFinite,
    bool Orderable);
