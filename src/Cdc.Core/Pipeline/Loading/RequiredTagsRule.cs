using Cdc.Core.Metering;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>
/// The deployment's required tag keys (<see cref="MeteringEnvironment.RequiredTags"/>) must each be on the pipeline,
/// either in its <c>tags</c> or as a deployment default tag (<see cref="MeteringEnvironment.DefaultTagPrefix"/>), so
/// every usage record can be attributed.
/// </summary>
internal static class RequiredTagsRule
{
    public static void Check(YamlMap root, IReadOnlyDictionary<string, string>? tags, Func<string, string?> environment)
    {
        var required = TagPolicy.ParseKeyList(environment(MeteringEnvironment.RequiredTags));
        if (required.Count == 0) return;
        // Broken tags were reported already; a second message about the same section would only add noise.
        if (tags is null && root.Has("tags")) return;

        var present = new HashSet<string>(tags?.Keys ?? [], StringComparer.OrdinalIgnoreCase);
        var missing = required
            .Where(key => !present.Contains(key) && string.IsNullOrWhiteSpace(environment(MeteringEnvironment.DefaultTagPrefix + key)))
            .ToList();
        if (missing.Count == 0) return;

        var all = string.Join(", ", required);
        foreach (var key in missing)
        {
            if (root.Has("tags"))
                root.Error("tags", $"misses required tag '{key}' (this deployment requires {all}, set by {MeteringEnvironment.RequiredTags}); add {key}: <value>");
            else
                root.Errors.Add(root.Anchor, "tags", $"misses required tag '{key}' (this deployment requires {all}, set by {MeteringEnvironment.RequiredTags}); add tags: {{ {key}: <value> }}");
        }
    }
}
