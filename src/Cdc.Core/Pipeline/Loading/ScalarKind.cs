using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>What a scalar means under the YAML 1.2 core schema, the same reading editors apply with the JSON Schema.
/// Quoted scalars, and those tagged <c>!!str</c>, are always text.</summary>
internal enum ScalarKind
{
    Null,
    Boolean,
    Integer,
    Float,
    Text,
}

internal static partial class ScalarKinds
{
    public static ScalarKind Of(YamlScalarNode scalar)
    {
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain) return ScalarKind.Text;
        if (scalar.Tag is { IsEmpty: false, IsNonSpecific: false } tag && tag.Value == "tag:yaml.org,2002:str") return ScalarKind.Text;
        var value = scalar.Value ?? "";
        if (value is "" or "~" or "null" or "Null" or "NULL") return ScalarKind.Null;
        if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE") return ScalarKind.Boolean;
        if (IntegerPattern().IsMatch(value)) return ScalarKind.Integer;
        if (FloatPattern().IsMatch(value)) return ScalarKind.Float;
        return ScalarKind.Text;
    }

    public static bool IsNull(YamlNode node) => node is YamlScalarNode scalar && Of(scalar) == ScalarKind.Null;

    /// <summary>"an integer", "a list" ...: how a node reads to the author, for "expected X, found Y" messages.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar => Of(scalar) switch
        {
            ScalarKind.Null => "nothing",
            ScalarKind.Boolean => "a boolean",
            ScalarKind.Integer => "an integer",
            ScalarKind.Float => "a decimal number",
            _ => "text",
        },
        _ => "an unsupported node",
    };

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex("^([-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
