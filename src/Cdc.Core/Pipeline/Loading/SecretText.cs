namespace Cdc.Core.Pipeline.Loading;

/// <summary>Reads fields that may hold secrets (connection strings, staging locations): substitutes
/// <c>${env:NAME}</c> and reports problems without ever repeating the value.</summary>
internal static class SecretText
{
    public static string? Read(YamlMap map, string key, Func<string, string?> environment, string hint)
    {
        if (!map.TryGet(key, out _, out var value))
        {
            map.Missing(key, hint);
            return null;
        }

        if (value is not YamlDotNet.RepresentationModel.YamlScalarNode scalar || ScalarKinds.Of(scalar) != ScalarKind.Text)
        {
            map.Error(key, $"expected text, found {ScalarKinds.Describe(value)}");
            return null;
        }

        var substituted = EnvironmentPlaceholders.Substitute(scalar.Value ?? "", environment, out var problems);
        foreach (var problem in problems) map.Error(key, problem);
        if (substituted is null) return null;
        if (string.IsNullOrWhiteSpace(substituted))
        {
            map.Error(key, scalar.Value!.Contains("${", StringComparison.Ordinal) ? "is empty once environment variables are substituted" : "must not be empty");
            return null;
        }

        return substituted;
    }
}
