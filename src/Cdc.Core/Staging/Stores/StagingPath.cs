namespace Cdc.Core.Staging.Stores;

/// <summary>
/// Rules every store path follows: relative, '/'-separated, no empty, '.' or '..' segments and no backslashes, so a
/// path can never climb out of the store's root whatever the store is.
/// </summary>
public static class StagingPath
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the path when it breaks the rules.</summary>
    public static string Validate(string path, string parameterName = "path")
    {
        ArgumentNullException.ThrowIfNull(path, parameterName);
        if (path.Length == 0) throw new ArgumentException("A staging path cannot be empty.", parameterName);
        if (path.EndsWith('/')) throw new ArgumentException($"Staging path '{path}' ends with '/': it names a folder, not an object.", parameterName);
        ValidateSegments(path, parameterName, allowTrailingSlash: false);
        return path;
    }

    /// <summary>Validates a listing prefix: empty (everything) or a path start, which may end with '/'.</summary>
    public static string ValidatePrefix(string prefix, string parameterName = "prefix")
    {
        ArgumentNullException.ThrowIfNull(prefix, parameterName);
        if (prefix.Length == 0) return prefix;
        ValidateSegments(prefix, parameterName, allowTrailingSlash: true);
        return prefix;
    }

    /// <summary>Joins a folder prefix (possibly empty) and a relative path with one '/'.</summary>
    public static string Join(string prefix, string path) => prefix.Length == 0 ? path : prefix + "/" + path;

    /// <summary>Escapes a free-form name (a pipeline name, say) into one path segment: letters, digits, '-' and '_'
    /// stay, every other UTF-8 byte becomes '%XX'.</summary>
    public static string EscapeSegment(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new System.Text.StringBuilder(name.Length);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(name))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_') builder.Append(c);
            else builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    private static void ValidateSegments(string path, string parameterName, bool allowTrailingSlash)
    {
        if (path[0] == '/' || (path.Length >= 2 && path[1] == ':'))
            throw new ArgumentException($"Staging path '{path}' is absolute; paths are relative to the store's root.", parameterName);
        if (path.Contains('\\', StringComparison.Ordinal))
            throw new ArgumentException($"Staging path '{path}' contains '\\'; use '/' to separate segments.", parameterName);
        if (path.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException($"Staging path '{path.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character.", parameterName);
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Length == 0)
            {
                if (allowTrailingSlash && i == segments.Length - 1) continue;
                throw new ArgumentException($"Staging path '{path}' has an empty segment ('//').", parameterName);
            }
            if (segment is "." or "..")
                throw new ArgumentException($"Staging path '{path}' contains a '{segment}' segment; paths cannot climb out of the store's root.", parameterName);
        }
    }
}
