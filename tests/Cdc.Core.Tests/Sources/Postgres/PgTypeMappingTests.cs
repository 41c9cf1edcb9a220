using Cdc.Core.Model;
using Cdc.Core.Sources.Postgres;

namespace Cdc.Core.Tests.Sources.Postgres;

public sealed class PgTypeMappingTests
{
    private static PgTypeFacts Builtin(string name, char category = 'X') => new(1, name, "pg_catalog", 'b', category);

    [Theory]
    [InlineData("bool", LogicalType.Boolean)]
    [InlineData("int2", LogicalType.Int16)]
    [InlineData("int4", LogicalType.Int32)]
    [InlineData("int8", LogicalType.Int64)]
    [InlineData("float4", LogicalType.Float32)]
    [InlineData("float8", LogicalType.Float64)]
    [InlineData("numeric", LogicalType.Decimal)]
    [InlineData("text", LogicalType.String)]
    [InlineData("varchar", LogicalType.String)]
    [InlineData("bpchar", LogicalType.String)]
    [InlineData("name", LogicalType.String)]
    [InlineData("bytea", LogicalType.Binary)]
    [InlineData("uuid", LogicalType.Uuid)]
    [InlineData("json", LogicalType.Json)]
    [InlineData("jsonb", LogicalType.Json)]
    [InlineData("date", LogicalType.Date)]
    [InlineData("time", LogicalType.Time)]
    [InlineData("timestamp", LogicalType.Timestamp)]
    [InlineData("timestamptz", LogicalType.TimestampTz)]
    public void Supported_builtin_types_map_to_their_logical_type(string name, LogicalType expected)
    {
        PgTypeMapping.TryMap(Builtin(name), -1, out var mapped, out _).Should().BeTrue();
        mapped.Type.Should().Be(expected);
    }

    [Theory]
    [InlineData("interval")]
    [InlineData("timetz")]
    [InlineData("money")]
    [InlineData("xml")]
    [InlineData("point")]
    [InlineData("inet")]
    [InlineData("bit")]
    [InlineData("tsvector")]
    public void Other_builtin_types_are_refused_with_a_reason_naming_them(string name)
    {
        PgTypeMapping.TryMap(Builtin(name), -1, out _, out var reason).Should().BeFalse();
        reason.Should().Contain(name);
    }

    [Fact]
    public void Arrays_ranges_and_composites_are_refused()
    {
        PgTypeMapping.TryMap(new PgTypeFacts(1, "_int4", "pg_catalog", 'b', 'A'), -1, out _, out var array).Should().BeFalse();
        array.Should().Contain("arrays");
        PgTypeMapping.TryMap(new PgTypeFacts(1, "int4range", "pg_catalog", 'r', 'R'), -1, out _, out var range).Should().BeFalse();
        range.Should().Contain("range");
        PgTypeMapping.TryMap(new PgTypeFacts(1, "address", "public", 'c', 'C'), -1, out _, out var composite).Should().BeFalse();
        composite.Should().Contain("composite");
    }

    [Fact]
    public void Numeric_typmod_gives_precision_and_scale_and_is_read_as_text()
    {
        // numeric(38,6): ((38 << 16) | 6) + 4
        PgTypeMapping.TryMap(Builtin("numeric"), ((38 << 16) | 6) + 4, out var mapped, out _).Should().BeTrue();
        mapped.Precision.Should().Be(38);
        mapped.Scale.Should().Be(6);
        mapped.SelectCast.Should().Be("text");

        PgTypeMapping.TryMap(Builtin("numeric"), -1, out var unconstrained, out _).Should().BeTrue();
        unconstrained.Precision.Should().BeNull();
        unconstrained.Scale.Should().BeNull();
    }

    [Fact]
    public void Numeric_negative_scale_is_decoded()
    {
        // numeric(5,-2): the scale is an 11-bit two's complement number.
        PgTypeMapping.TryMap(Builtin("numeric"), ((5 << 16) | (-2 & 0x7FF)) + 4, out var mapped, out _).Should().BeTrue();
        mapped.Precision.Should().Be(5);
        mapped.Scale.Should().Be(-2);
    }

    [Fact]
    public void Character_typmods_give_lengths_and_temporal_typmods_give_fractional_digits()
    {
        PgTypeMapping.TryMap(Builtin("varchar"), 50 + 4, out var varchar, out _).Should().BeTrue();
        varchar.MaxLength.Should().Be(50);
        PgTypeMapping.TryMap(Builtin("bpchar"), 3 + 4, out var bpchar, out _).Should().BeTrue();
        bpchar.MaxLength.Should().Be(3);
        bpchar.SelectCast.Should().BeNull("casting char(n) to text would strip its padding");
        PgTypeMapping.TryMap(Builtin("text"), -1, out var text, out _).Should().BeTrue();
        text.MaxLength.Should().BeNull();
        PgTypeMapping.TryMap(Builtin("timestamptz"), 3, out var timestamp, out _).Should().BeTrue();
        timestamp.Precision.Should().Be(3);
        timestamp.CheckFinite.Should().BeTrue();
        PgTypeMapping.TryMap(Builtin("time"), 0, out var time, out _).Should().BeTrue();
        time.Precision.Should().Be(0);
        time.CheckFinite.Should().BeFalse();
    }

    [Fact]
    public void Enums_and_citext_are_strings_read_as_text()
    {
        PgTypeMapping.TryMap(new PgTypeFacts(1, "mood", "app", 'e', 'E'), -1, out var enumType, out _).Should().BeTrue();
        enumType.Type.Should().Be(LogicalType.String);
        enumType.SelectCast.Should().Be("text");
        PgTypeMapping.TryMap(new PgTypeFacts(1, "citext", "public", 'b', 'S'), -1, out var citext, out _).Should().BeTrue();
        citext.Type.Should().Be(LogicalType.String);
        citext.SelectCast.Should().Be("text");
    }

    [Fact]
    public void Domains_map_through_their_base_type_and_inherit_its_modifier()
    {
        var money = new PgTypeFacts(2, "amount", "app", 'd', 'N', Builtin("numeric"), ((12 << 16) | 2) + 4);
        PgTypeMapping.TryMap(money, -1, out var mapped, out _).Should().BeTrue();
        mapped.Type.Should().Be(LogicalType.Decimal);
        (mapped.Precision, mapped.Scale).Should().Be((12, 2));

        var email = new PgTypeFacts(3, "email", "app", 'd', 'S', Builtin("varchar"), 100 + 4);
        var nested = new PgTypeFacts(4, "work email", "app", 'd', 'S', email);
        PgTypeMapping.TryMap(nested, -1, out var nestedMapped, out _).Should().BeTrue();
        nestedMapped.MaxLength.Should().Be(100);
        nestedMapped.SelectCast.Should().Be("\"pg_catalog\".\"varchar\"");
    }

    [Fact]
    public void Domains_over_unsupported_types_are_refused_naming_the_base_type()
    {
        var duration = new PgTypeFacts(2, "duration", "app", 'd', 'T', Builtin("interval"));
        PgTypeMapping.TryMap(duration, -1, out _, out var reason).Should().BeFalse();
        reason.Should().Contain("domain").And.Contain("interval");
    }

    [Fact]
    public void Json_cannot_order_but_jsonb_can()
    {
        PgTypeMapping.TryMap(Builtin("json"), -1, out var json, out _).Should().BeTrue();
        json.Orderable.Should().BeFalse();
        PgTypeMapping.TryMap(Builtin("jsonb"), -1, out var jsonb, out _).Should().BeTrue();
        jsonb.Orderable.Should().BeTrue();
    }

    [Fact]
    public void A_type_named_like_a_builtin_outside_pg_catalog_is_refused()
    {
        PgTypeMapping.TryMap(new PgTypeFacts(9, "int4", "evil", 'b', 'N'), -1, out _, out _).Should().BeFalse();
    }
}
