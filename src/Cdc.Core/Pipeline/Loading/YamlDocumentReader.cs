using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>Turns the file's text into YamlDotNet's node tree, reporting syntax problems (with the parser's line and
/// column) and repeated keys instead of throwing.</summary>
internal static class YamlDocumentReader
{
    /// <summary>The root node of the single document, or null when the text is not usable YAML.</summary>
    public static YamlNode? Read(string yaml, ErrorCollector errors)
    {
        var filter = new DuplicateKeyFilter(new Parser(new StringReader(yaml)), (at, path, key, first) =>
            errors.Add(at, path, $"duplicate key '{key}' (first given at line {first.Line}, column {first.Column}); a key may appear once per mapping"));
        var stream = new YamlStream();
        try
        {
            stream.Load(filter);
        }
        catch (YamlException e)
        {
            var message = e.Message.TrimEnd('.');
            var hint = "";
            if (message.Contains("block mapping", StringComparison.Ordinal) || message.Contains("block sequence", StringComparison.Ordinal))
            {
                hint = " (check the indentation)";
            }
            else if (message.Contains("flow", StringComparison.Ordinal) && filter.OpenFlowCollection is { } open)
            {
                hint = $" (the '[' or '{{' at line {open.Start.Line}, column {open.Start.Column} is still open)";
            }

            errors.Add(e.Start, filter.CurrentPath, $"invalid YAML: {message}{hint}");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner fails this way on some unterminated flow collections; point at the opening bracket.
            if (filter.OpenFlowCollection is { } open) errors.Add(open.Start, open.Path, "invalid YAML: this '[' or '{' is never closed");
            else errors.Add(filter.LastEnd, filter.CurrentPath, "invalid YAML: the parser could not continue here");
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            errors.Add(Mark.Empty, "", "the file is empty; a pipeline needs at least name, source, objects, staging and destination");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            errors.Add(stream.Documents[1].RootNode.Start, "", "the file holds more than one YAML document ('---'); put each pipeline in its own file");
        }

        return stream.Documents[0].RootNode;
    }
}
