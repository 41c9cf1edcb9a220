namespace Cdc.Core.Pipeline.Loading;

/// <summary>Finds the known word an unknown one was probably meant to be: same letters ignoring case and
/// separators (<c>scdType</c> for <c>scd_type</c>), or within a couple of typing mistakes.</summary>
internal static class KeySuggestion
{
    public static string? Closest(string typed, IEnumerable<string> known)
    {
        var normalizedTyped = Normalize(typed);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            if (Normalize(candidate) == normalizedTyped) return candidate;
            var distance = Distance(typed.ToLowerInvariant(), candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        var allowed = Math.Min(typed.Length, best?.Length ?? 0) >= 5 ? 2 : 1;
        return bestDistance <= allowed ? best : null;
    }

    private static string Normalize(string word) =>
        new([.. word.Where(c => c is not ('_' or '-' or ' ')).Select(char.ToLowerInvariant)]);

    // Levenshtein distance with adjacent transpositions counted as one edit.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }

        return d[a.Length, b.Length];
    }
}
