using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Cdc.Core.Pipeline.Schema;

/// <summary>
/// The JSON Schema of pipeline files, generated from <see cref="PipelineFile"/> and its sections. Editors with a YAML
/// language server use it for completion, hover text and checks; the committed copy lives at
/// <see cref="RepositoryPath"/> and a test keeps it equal to <see cref="Generate"/>.
/// </summary>
public static class PipelineJsonSchema
{
    public const string RepositoryPath = "schemas/pipeline.schema.json";

    // Relaxed escaping keeps quotes and angle brackets readable in the committed file; it is never embedded in HTML.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>snake_case names, enums as snake_case strings, unknown keys refused, nullability respected.</summary>
    internal static JsonSerializerOptions SerializerOptions { get; } = CreateSerializerOptions();

    /// <summary>The schema as the text of <see cref="RepositoryPath"/>: indented, '\n' line ends, final newline.</summary>
    public static string Generate() => GenerateNode().ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";

    public static JsonObject GenerateNode()
    {
        var exporterOptions = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = Annotate,
        };
        var body = SerializerOptions.GetJsonSchemaAsNode(typeof(PipelineFile), exporterOptions).AsObject();
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "Ingest pipeline",
        };
        foreach (var (name, value) in body.ToList())
        {
            body.Remove(name);
            schema[name] = value;
        }

        return schema;
    }

    /// <summary>The keys allowed in the mapping that <typeparamref name="T"/> mirrors, in declaration order.</summary>
    internal static IReadOnlyList<string> KeysOf<T>() => [.. SerializerOptions.GetTypeInfo(typeof(T)).Properties.Select(p => p.Name)];

    private static JsonSerializerOptions CreateSerializerOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            RespectNullableAnnotations = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly();
        return options;
    }

    // Carries the model's attributes into the schema: [Description], [DefaultValue], [Range], [RegularExpression]
    // and [MinLength] (as minItems, minProperties or minLength, by the schema's type).
    private static JsonNode Annotate(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (schema is not JsonObject node) return schema;
        var property = context.PropertyInfo?.AttributeProvider;
        var description = Attribute<DescriptionAttribute>(property)?.Description
            ?? (context.PropertyInfo is null ? context.TypeInfo.Type.GetCustomAttribute<DescriptionAttribute>()?.Description : null);
        if (description is not null) node.Insert(0, "description", description);
        if (property is null) return node;

        if (Attribute<DefaultValueAttribute>(property) is { Value: { } defaultValue }) node["default"] = defaultValue switch
        {
            int number => JsonValue.Create(number),
            bool flag => JsonValue.Create(flag),
            _ => JsonValue.Create(Convert.ToString(defaultValue, System.Globalization.CultureInfo.InvariantCulture)),
        };

        if (Attribute<RangeAttribute>(property) is { } range)
        {
            node["minimum"] = Number(range.Minimum);
            if (range.Maximum is not double.MaxValue) node["maximum"] = Number(range.Maximum);
        }

        if (Attribute<RegularExpressionAttribute>(property) is { } pattern) node["pattern"] = pattern.Pattern;
        if (Attribute<MinLengthAttribute>(property) is { } minLength)
        {
            var keyword = TypeOf(node) switch
            {
                "array" => "minItems",
                "object" => "minProperties",
                _ => "minLength",
            };
            node[keyword] = minLength.Length;
        }

        return node;
    }

    private static T? Attribute<T>(ICustomAttributeProvider? provider)
        where T : Attribute =>
        provider?.GetCustomAttributes(typeof(T), inherit: true).OfType<T>().FirstOrDefault();

    private static JsonValue Number(object value) => value switch
    {
        int number => JsonValue.Create(number),
        _ => JsonValue.Create(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)),
    };

    // "type" is a string, or an array such as ["array", "null"] for optional members.
    private static string? TypeOf(JsonObject node) => node["type"] switch
    {
        JsonValue single => single.GetValue<string>(),
        JsonArray several => several.Select(t => t?.GetValue<string>()).FirstOrDefault(t => t != "null"),
        _ => null,
    };
}
