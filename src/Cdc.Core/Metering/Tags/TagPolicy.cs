using System.Collections;

namespace Cdc.Core.Metering;

/// <summary>
/// The deployment's budget policy for tags: default tags every pipeline gets (a pipeline's own tag of the same key
/// wins) and keys every pipeline must end up with. Tag keys compare ignoring case; values exactly.
/// </summary>
public sealed record TagPolicy
{
    public static TagPolicy None { get; } = new();

    public IReadOnlyDictionary<string, string> Defaults { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<string> RequiredKeys { get; init; } = [];

    /// <summary>The pipeline's tags over the defaults, ordered by key, looked up ignoring case.</summary>
    public IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> pipelineTags)
    {
        ArgumentNullException.ThrowIfNull(pipelineTags);
        var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in Defaults) merged[key] = value;
        foreach (var (key, value) in pipelineTags)
        {
            merged.Remove(key);
            merged[key] = value;
        }
        return Sorted(merged);
    }

    /// <summary>Required keys the pipeline lacks even after the defaults are merged in.</summary>
    public IReadOnlyList<string> MissingKeys(IReadOnlyDictionary<string, string> pipelineTags)
    {
        var merged = Merge(pipelineTags);
        return RequiredKeys.Where(key => !merged.ContainsKey(key)).ToList();
    }

    /// <summary>Reads <see cref="MeteringEnvironment.DefaultTagPrefix"/><c>&lt;key&gt;</c> and
    /// <see cref="MeteringEnvironment.RequiredTags"/> from variables (names compare ignoring case, like configuration).</summary>
    public static TagPolicy FromVariables(IEnumerable<KeyValuePair<string, string?>> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var defaults = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<string> required = [];
        foreach (var (name, value) in variables)
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            if (name.StartsWith(MeteringEnvironment.DefaultTagPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > MeteringEnvironment.DefaultTagPrefix.Length)
                defaults[name[MeteringEnvironment.DefaultTagPrefix.Length..]] = value.Trim();
            else if (name.Equals(MeteringEnvironment.RequiredTags, StringComparison.OrdinalIgnoreCase))
                required = ParseKeyList(value);
        }
        return new TagPolicy { Defaults = Sorted(defaults), RequiredKeys = required };
    }

    public static TagPolicy FromEnvironment() => FromVariables(EnvironmentVariables());

    /// <summary>Keys separated by commas, semicolons or white space; repeats (ignoring case) dropped.</summary>
    public static IReadOnlyList<string> ParseKeyList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var keys = new List<string>();
        foreach (var key in text.Split([',', ';', ' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
            if (!keys.Contains(key, StringComparer.OrdinalIgnoreCase)) keys.Add(key);
        return keys;
    }

    internal static IEnumerable<KeyValuePair<string, string?>> EnvironmentVariables()
    {
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            yield return KeyValuePair.Create((string)entry.Key, (string?)entry.Value);
    }

    private static Dictionary<string, string> Sorted(Dictionary<string, string> tags)
    {
        var sorted = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in tags.Keys.Order(StringComparer.Ordinal)) sorted[key] = tags[key];
        return sorted;
    }
}
