using System.Globalization;

namespace Cdc.Core.Targets.Postgres;

/// <summary>
/// A target column's PostgreSQL type: the catalog's internal name (<c>pg_type.typname</c>: int4, numeric, timestamptz,
/// ...) plus the declared precision and scale of a numeric. Comparing internal names avoids parsing the spelled-out
/// forms (<c>timestamp with time zone</c>) that format_type produces.
/// </summary>
internal sealed record PgColumnType(string TypeName, int? Precision = null, int? Scale = null)
{
    public static readonly PgColumnType Boolean = new("bool");
    public static readonly PgColumnType SmallInt = new("int2");
    public static readonly PgColumnType Integer = new("int4");
    public static readonly PgColumnType BigInt = new("int8");
    public static readonly PgColumnType Real = new("float4");
    public static readonly PgColumnType DoublePrecision = new("float8");
    public static readonly PgColumnType UnboundedNumeric = new("numeric");
    public static readonly PgColumnType Text = new("text");
    public static readonly PgColumnType Bytea = new("bytea");
    public static readonly PgColumnType Uuid = new("uuid");
    public static readonly PgColumnType Json = new("json");
    public static readonly PgColumnType Date = new("date");
    public static readonly PgColumnType Time = new("time");
    public static readonly PgColumnType Timestamp = new("timestamp");
    public static readonly PgColumnType TimestampTz = new("timestamptz");

    public static PgColumnType Numeric(int precision, int scale) => new("numeric", precision, scale);

    /// <summary>The type as it is written in DDL, e.g. <c>numeric(38,6)</c> or <c>double precision</c>.</summary>
    public string Sql => TypeName switch
    {
        "numeric" when Precision is { } p => string.Create(CultureInfo.InvariantCulture, $"numeric({p},{Scale ?? 0})"),
        "bool" => "boolean",
        "int2" => "smallint",
        "int4" => "integer",
        "int8" => "bigint",
        "float4" => "real",
        "float8" => "double precision",
        _ => TypeName,
    };

    /// <summary>Decodes a numeric column's <c>atttypmod</c> (<c>((precision &lt;&lt; 16) | scale) + 4</c>, -1 when
    /// unconstrained). PostgreSQL 15 stores scale in the low 11 bits, sign-extended, to allow negative scales.</summary>
    public static PgColumnType FromCatalog(string typeName, int typeModifier)
    {
        if (typeName != "numeric" || typeModifier < 4) return new PgColumnType(typeName);
        var packed = typeModifier - 4;
        var precision = (packed >> 16) & 0xFFFF;
        var scale = ((packed & 0x7FF) ^ 1024) - 1024;
        return Numeric(precision, scale);
    }

    public override string ToString() => Sql;
}
