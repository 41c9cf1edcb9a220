using System.Text.RegularExpressions;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>Reads <c>staging</c>: the location (one of four forms), the container and the path prefix.</summary>
internal static partial class StagingSectionReader
{
    public static StagingDefinition? Read(YamlMap root, string? pipelineName, Func<string, string?> environment)
    {
        var map = root.Map("staging", PipelineKeys.Staging, required: true);
        if (map is null) return null;

        var location = SecretText.Read(map, "location", environment, "a folder, UseDevelopmentStorage=true, a connection string or a container URL");
        var container = map.String("container");
        var prefix = map.String("prefix");

        StagingLocationKind? kind = null;
        if (location is not null)
        {
            if (StagingLocation.TryClassify(location, out var classified, out var problem)) kind = classified;
            else map.Error("location", problem);
        }

        if (container is not null)
        {
            if (kind is StagingLocationKind.Folder or StagingLocationKind.ContainerUrl)
            {
                map.KeyError("container", kind == StagingLocationKind.Folder
                    ? "applies to blob storage locations; a folder location has no container"
                    : "applies to connection-string locations; a container URL already names its container");
            }
            else if (!StagingLocation.IsValidContainerName(container))
            {
                map.Error("container", $"'{container}' is not a valid blob container name: 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit");
            }
        }

        if (prefix is not null && !IsValidPrefix(prefix))
        {
            map.Error("prefix", $"'{prefix}' is not a valid prefix: '/'-separated parts of letters, digits, '.', '_' and '-', without leading or trailing '/' and without '.' or '..' parts");
        }

        if (location is null || kind is null) return null;
        var defaults = new StagingDefinition { Location = location };
        return defaults with
        {
            Container = container ?? defaults.Container,
            Prefix = prefix ?? (PipelineNames.IsValidName(pipelineName) ? pipelineName : null),
        };
    }

    private static bool IsValidPrefix(string prefix) =>
        prefix.Length <= 512 && prefix.Split('/').All(part => PrefixPart().IsMatch(part) && part is not ("." or ".."));

    [GeneratedRegex("^[A-Za-z0-9._-]+\\z", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPart();
}
