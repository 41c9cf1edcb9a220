using System.Text;
using System.Text.RegularExpressions;

namespace Cdc.Core.Pipeline;

/// <summary>
/// Replaces <c>${env:NAME}</c> with the value of environment variable NAME, anywhere in a string; <c>$${</c> stands
/// for a literal <c>${</c>. Problems name the variable or the placeholder, never the surrounding text, which is
/// usually a connection string.
/// </summary>
public static partial class EnvironmentPlaceholders
{
    /// <summary>Substitutes every placeholder; returns null and fills <paramref name="errors"/> when any is malformed
    /// or names a variable that is not set.</summary>
    public static string? Substitute(string text, Func<string, string?> environment, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(environment);
        var problems = new List<string>();
        var result = new StringBuilder(text.Length);
        var index = 0;
        while (index < text.Length)
        {
            var start = text.IndexOf("${", index, StringComparison.Ordinal);
            if (start < 0)
            {
                result.Append(text, index, text.Length - index);
                break;
            }

            if (start > 0 && text[start - 1] == '$')
            {
                // "$${" is the escape for a literal "${": keep one '$' and the brace.
                result.Append(text, index, start - index - 1).Append("${");
                index = start + 2;
                continue;
            }

            result.Append(text, index, start - index);
            var end = text.IndexOf('}', start + 2);
            var candidate = end < 0 ? null : text[start..(end + 1)];
            var match = candidate is null ? null : Placeholder().Match(candidate);
            if (match is not { Success: true })
            {
                problems.Add(Malformed(candidate, start));
                index = end < 0 ? text.Length : end + 1;
                continue;
            }

            var name = match.Groups["name"].Value;
            var value = environment(name);
            if (value is null) problems.Add($"environment variable {name} is not set");
            else result.Append(value);
            index = end + 1;
        }

        errors = problems;
        return problems.Count == 0 ? result.ToString() : null;
    }

    private static string Malformed(string? candidate, int position)
    {
        const string Expected = "write ${env:NAME}, where NAME is letters, digits and '_' not starting with a digit";
        // Echo the placeholder only when it cannot be hiding part of a connection string.
        var showable = candidate is not null && candidate.Length <= 64 && candidate.IndexOfAny([';', '=', ' ', '\'', '"']) < 0;
        if (candidate is null) return $"'${{' at character {position + 1} is never closed with '}}'; {Expected}";
        return showable
            ? $"malformed placeholder '{candidate}'; {Expected}"
            : $"malformed placeholder at character {position + 1}; {Expected}";
    }

    [GeneratedRegex("^\\$\\{env:(?<name>[A-Za-z_][A-Za-z0-9_]*)\\}$", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
