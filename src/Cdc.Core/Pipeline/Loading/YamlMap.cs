using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>
/// One mapping of the pipeline file with its field path, read field by field into typed values. Every read that
/// fails records an error and returns null, so reading continues and all problems surface together. Keys given
/// as null (<c>key:</c> or <c>key: null</c>) count as absent.
/// </summary>
internal sealed class YamlMap
{
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);

    /// <param name="anchor">Where "missing field" errors point: the key that introduced this mapping, or its start.</param>
    /// <param name="knownKeys">Keys allowed here; others are reported with a "did you mean" hint.</param>
    public YamlMap(YamlMappingNode node, string path, Mark anchor, IReadOnlyCollection<string> knownKeys, ErrorCollector errors)
    {
        Node = node;
        Path = path;
        Anchor = anchor;
        Errors = errors;
        foreach (var (keyNode, value) in node.Children)
        {
            if (keyNode is not YamlScalarNode key || ScalarKinds.Of(key) is ScalarKind.Null)
            {
                errors.Add(keyNode.Start, path, $"keys must be plain words; found {ScalarKinds.Describe(keyNode)}");
                continue;
            }

            if (!knownKeys.Contains(key.Value!))
            {
                var suggestion = KeySuggestion.Closest(key.Value!, knownKeys);
                errors.Add(key.Start, PathOf(key.Value!), suggestion is null
                    ? $"unknown key '{key.Value}'; expected one of: {string.Join(", ", knownKeys)}"
                    : $"unknown key '{key.Value}'; did you mean '{suggestion}'?");
                continue;
            }

            _entries[key.Value!] = (key, value);
        }
    }

    public YamlMappingNode Node { get; }

    public string Path { get; }

    public Mark Anchor { get; }

    public ErrorCollector Errors { get; }

    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>The key node and value of a field that is present and not null.</summary>
    public bool TryGet(string key, out YamlScalarNode keyNode, out YamlNode value)
    {
        if (_entries.TryGetValue(key, out var entry) && !ScalarKinds.IsNull(entry.Value))
        {
            (keyNode, value) = entry;
            return true;
        }

        keyNode = null!;
        value = null!;
        return false;
    }

    public bool Has(string key) => TryGet(key, out _, out _);

    /// <summary>Where to point for a problem with a field: its value when present, else this mapping's anchor.</summary>
    public Mark ValueMark(string key) => TryGet(key, out _, out var value) ? value.Start : Anchor;

    /// <summary>Where to point for a field that should not be there at all: its key.</summary>
    public Mark KeyMark(string key) => TryGet(key, out var keyNode, out _) ? keyNode.Start : Anchor;

    public void Error(string key, string message) => Errors.Add(ValueMark(key), PathOf(key), message);

    public void KeyError(string key, string message) => Errors.Add(KeyMark(key), PathOf(key), message);

    public void Missing(string key, string? hint = null) =>
        Errors.Add(Anchor, PathOf(key), hint is null ? "is required" : $"is required: {hint}");

    /// <summary>A non-empty text value. Integers, booleans and the like are refused so that the file reads the same
    /// in an editor using the JSON Schema; quoting them makes them text.</summary>
    public string? String(string key, bool required = false, string? hint = null)
    {
        if (!TryGet(key, out _, out var value))
        {
            if (required) Missing(key, hint);
            return null;
        }

        return AsString(value, PathOf(key));
    }

    public string? AsString(YamlNode value, string path)
    {
        if (value is not YamlScalarNode scalar)
        {
            Errors.Add(value.Start, path, $"expected text, found {ScalarKinds.Describe(value)}");
            return null;
        }

        var kind = ScalarKinds.Of(scalar);
        if (kind is not ScalarKind.Text and not ScalarKind.Null)
        {
            Errors.Add(value.Start, path, $"expected text, found {ScalarKinds.Describe(value)}; put the value in quotes to use it as text");
            return null;
        }

        if (kind == ScalarKind.Null || string.IsNullOrWhiteSpace(scalar.Value))
        {
            Errors.Add(value.Start, path, "must not be empty");
            return null;
        }

        return scalar.Value;
    }

    /// <param name="rangeMessage">Replaces the default "must be between" message when the value is out of range.</param>
    public int? Int(string key, int min, int max, string? rangeMessage = null)
    {
        if (!TryGet(key, out _, out var value)) return null;
        if (value is not YamlScalarNode scalar || ScalarKinds.Of(scalar) != ScalarKind.Integer)
        {
            var hint = value is YamlScalarNode { Value: { Length: > 0 } text } && text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal).All(char.IsAsciiDigit)
                ? "; write digits only, without separators or quotes"
                : "";
            Error(key, $"expected an integer, found {ScalarKinds.Describe(value)}{hint}");
            return null;
        }

        if (!long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            Error(key, (rangeMessage ?? $"must be between {min.ToString("N0", CultureInfo.InvariantCulture)} and {max.ToString("N0", CultureInfo.InvariantCulture)}") + $"; found {scalar.Value}");
            return null;
        }

        return (int)number;
    }

    public decimal? Decimal(string key, decimal min)
    {
        if (!TryGet(key, out _, out var value)) return null;
        if (value is not YamlScalarNode scalar || ScalarKinds.Of(scalar) is not (ScalarKind.Integer or ScalarKind.Float)
            || !decimal.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            Error(key, $"expected a number, found {ScalarKinds.Describe(value)}");
            return null;
        }

        if (number < min)
        {
            Error(key, $"must be at least {min.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        return number;
    }

    public bool? Bool(string key)
    {
        if (!TryGet(key, out _, out var value)) return null;
        if (value is not YamlScalarNode scalar || ScalarKinds.Of(scalar) != ScalarKind.Boolean)
        {
            Error(key, $"expected true or false, found {ScalarKinds.Describe(value)}");
            return null;
        }

        return scalar.Value!.Equals("true", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>One of a fixed set of lower-case words, matched exactly.</summary>
    public T? Enum<T>(string key, IReadOnlyDictionary<string, T> names, bool required = false)
        where T : struct
    {
        var allowed = string.Join(", ", names.Keys);
        var text = String(key, required, allowed);
        if (text is null) return null;
        if (names.TryGetValue(text, out var result)) return result;
        var suggestion = KeySuggestion.Closest(text, names.Keys);
        Error(key, suggestion is null
            ? $"'{text}' is not one of: {allowed}"
            : $"'{text}' is not one of: {allowed}; did you mean '{suggestion}'?");
        return null;
    }

    /// <summary>A nested mapping, with its own set of known keys.</summary>
    public YamlMap? Map(string key, IReadOnlyCollection<string> knownKeys, bool required = false)
    {
        if (!TryGet(key, out var keyNode, out var value))
        {
            if (required) Missing(key);
            return null;
        }

        if (value is not YamlMappingNode mapping)
        {
            Error(key, $"expected a mapping (indented 'key: value' lines), found {ScalarKinds.Describe(value)}");
            return null;
        }

        return new YamlMap(mapping, PathOf(key), keyNode.Start, knownKeys, Errors);
    }

    public YamlSequenceNode? Sequence(string key, bool required = false)
    {
        if (!TryGet(key, out _, out var value))
        {
            if (required) Missing(key);
            return null;
        }

        if (value is not YamlSequenceNode sequence)
        {
            Error(key, $"expected a list ('- item' lines or [a, b]), found {ScalarKinds.Describe(value)}");
            return null;
        }

        return sequence;
    }

    /// <summary>A list of distinct, non-empty texts; null when absent or broken.</summary>
    public IReadOnlyList<string>? StringList(string key, bool allowEmpty)
    {
        var sequence = Sequence(key);
        if (sequence is null) return null;
        if (sequence.Children.Count == 0 && !allowEmpty)
        {
            Error(key, "must list at least one name; leave the key out instead");
            return null;
        }

        var items = new List<string>();
        var ok = true;
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var itemPath = $"{PathOf(key)}[{i}]";
            var item = AsString(sequence.Children[i], itemPath);
            if (item is null)
            {
                ok = false;
            }
            else if (items.Contains(item, StringComparer.Ordinal))
            {
                Errors.Add(sequence.Children[i].Start, itemPath, $"'{item}' is listed twice");
                ok = false;
            }
            else
            {
                items.Add(item);
            }
        }

        return ok ? items : null;
    }
}
