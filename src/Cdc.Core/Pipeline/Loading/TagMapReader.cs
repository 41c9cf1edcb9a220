using YamlDotNet.RepresentationModel;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>Reads a mapping of tag names to tag values (<c>tags</c>, a budget's <c>filter</c>): text keys and values,
/// at least one entry, keys unique ignoring case.</summary>
internal static class TagMapReader
{
    /// <returns>The tags, or null when the key is absent or broken (the errors are recorded).</returns>
    public static Dictionary<string, string>? Read(YamlMap parent, string key, string emptyHint)
    {
        if (!parent.TryGet(key, out _, out var value)) return null;
        if (value is not YamlMappingNode mapping)
        {
            parent.Error(key, $"expected a mapping of tag names to values, found {ScalarKinds.Describe(value)}");
            return null;
        }

        if (mapping.Children.Count == 0)
        {
            parent.Error(key, $"is empty; {emptyHint}");
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, YamlNode>(StringComparer.OrdinalIgnoreCase);
        foreach (var (keyNode, tagValue) in mapping.Children)
        {
            var name = parent.AsString(keyNode, parent.PathOf(key));
            if (name is null) continue;
            var path = $"{parent.PathOf(key)}.{name}";
            if (seen.TryGetValue(name, out var first))
            {
                parent.Errors.Add(keyNode.Start, path, $"tag '{name}' repeats '{((YamlScalarNode)first).Value}' from line {first.Start.Line}; tag names are compared ignoring case");
                continue;
            }

            seen[name] = keyNode;
            if (parent.AsString(tagValue, path) is { } text) tags[name] = text;
        }

        return tags;
    }
}
