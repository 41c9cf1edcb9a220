using Cdc.Core.Postgres;

namespace Cdc.Core.Sources.Postgres;

/// <summary>
/// What pg_type says about one type, enough to decide how it is captured. For a domain,
/// <see cref="DomainBase"/> holds the facts of the type it is defined over (resolved through nested domains).
/// </summary>
/// <param name="Name">pg_type.typname, e.g. <c>int4</c>, <c>_int4</c>, <c>citext</c>.</param>
/// <param name="Schema">The type's namespace, e.g. <c>pg_catalog</c>.</param>
/// <param name="Kind">pg_type.typtype: b base, c composite, d domain, e enum, p pseudo, r range, m multirange.</param>
/// <param name="Category">pg_type.typcategory: A for arrays, and so on.</param>
/// <param name="DomainTypmod">For a domain, the type modifier it declares on its base type (-1 when none).</param>
internal sealed record PgTypeFacts(
    uint Oid,
    string Name,
    string Schema,
    char Kind,
    char Category,
    PgTypeFacts? DomainBase = null,
    int DomainTypmod = -1)
{
    public const string Catalog = "pg_catalog";

    public bool IsDomain => Kind == 'd';

    public bool IsEnum => Kind == 'e';

    /// <summary>The type under all domains.</summary>
    public PgTypeFacts Underlying => DomainBase?.Underlying ?? this;

    /// <summary>Qualified, quoted name usable in a cast.</summary>
    public string QualifiedName => PgIdentifier.Qualified(Schema, Name);
}
