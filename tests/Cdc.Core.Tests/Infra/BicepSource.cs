using System.Text;
using System.Text.RegularExpressions;

namespace Cdc.Core.Tests.Infra;

/// <summary>
/// A light reading of a Bicep file, enough to check how templates fit together without a Bicep compiler: parameter
/// declarations, and module, resource and variable declarations with the properties of their object bodies.
/// Comments and the insides of string literals (interpolations included) are blanked out first, so braces, colons and
/// keywords in them are never mistaken for code; values are still reported as written.
/// </summary>
internal sealed partial class BicepSource
{
    private readonly string _text;
    private readonly string _code;

    public BicepSource(string text, string filePath)
    {
        _text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        FilePath = filePath;
        _code = BlankCommentsAndStrings(_text, filePath);
    }

    public string FilePath { get; }

    public static BicepSource Load(string path) => new(File.ReadAllText(path), path);

    /// <summary>Every <c>param</c> declaration. A parameter is optional when it has a default or a nullable type.</summary>
    public IReadOnlyList<BicepParameter> Parameters() =>
        ParameterDeclaration().Matches(_code)
            .Select(m => new BicepParameter(
                m.Groups["name"].Value,
                IsRequired: !m.Groups["rest"].Value.Contains('=', StringComparison.Ordinal) && !m.Groups["type"].Value.EndsWith('?'),
                LineOf(m.Index)))
            .ToList();

    /// <summary>Names of every <c>output</c> declaration.</summary>
    public IReadOnlyList<string> Outputs() =>
        OutputDeclaration().Matches(_code).Select(m => m.Groups["name"].Value).ToList();

    /// <summary>
    /// Every <c>module</c> or <c>resource</c> declaration (<paramref name="keyword"/>), nested ones included:
    /// <c>keyword symbol 'target' [existing] = [if (...)] [[for ...:] { body }</c>.
    /// </summary>
    public IReadOnlyList<BicepDeclaration> Declarations(string keyword)
    {
        var declarations = new List<BicepDeclaration>();
        var pattern = new Regex($@"^[ \t]*{Regex.Escape(keyword)}[ \t]+(?<symbol>[A-Za-z_][A-Za-z0-9_]*)[ \t]+'", RegexOptions.Multiline);
        foreach (Match match in pattern.Matches(_code))
        {
            var openQuote = match.Index + match.Length - 1;
            var closeQuote = _code.IndexOf('\'', openQuote + 1);
            var target = _text[(openQuote + 1)..closeQuote];
            var equals = _code.IndexOf('=', closeQuote + 1);
            var open = _code.IndexOf('{', equals + 1);
            if (equals < 0 || open < 0) throw Malformed(match.Index, $"{keyword} '{match.Groups["symbol"].Value}' has no body");
            var head = _code[(equals + 1)..open];
            declarations.Add(new BicepDeclaration(
                match.Groups["symbol"].Value,
                target,
                IsLoop: head.Contains("[for ", StringComparison.Ordinal),
                IsConditional: head.TrimStart().StartsWith("if", StringComparison.Ordinal),
                LineOf(match.Index),
                ParseObject(open)));
        }

        return declarations;
    }

    /// <summary>The object a <c>var name = { ... }</c> declaration holds.</summary>
    public BicepObject Variable(string name)
    {
        var match = new Regex($@"^var[ \t]+{Regex.Escape(name)}[ \t]*=[ \t]*\{{", RegexOptions.Multiline).Match(_code);
        if (!match.Success) throw new FormatException($"{FilePath}: no object variable '{name}'.");
        return ParseObject(match.Index + match.Length - 1);
    }

    private BicepObject ParseObject(int open)
    {
        var close = MatchingClose(open);
        var properties = new List<BicepProperty>();
        var segmentStart = open + 1;
        var depth = 0;
        for (var i = open + 1; i <= close; i++)
        {
            var c = _code[i];
            if (c is '{' or '[' or '(') depth++;
            else if (c is '}' or ']' or ')' && i < close) depth--;
            if (depth == 0 && (c is '\n' or ',' || i == close))
            {
                AddProperty(properties, segmentStart, i);
                segmentStart = i + 1;
            }
        }

        return new BicepObject(properties);
    }

    private void AddProperty(List<BicepProperty> properties, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(_code[start])) start++;
        while (end > start && char.IsWhiteSpace(_code[end - 1])) end--;
        if (start == end) return;
        var segment = _code[start..end];
        // A nested child resource or module declaration is not a property of the body.
        if (NestedDeclaration().IsMatch(segment)) return;
        if (segment.StartsWith("...", StringComparison.Ordinal))
        {
            properties.Add(new BicepProperty("...", _text[(start + 3)..end].Trim(), null, LineOf(start)));
            return;
        }

        string key;
        int afterKey;
        if (segment[0] == '\'')
        {
            var closeQuote = _code.IndexOf('\'', start + 1);
            key = _text[(start + 1)..closeQuote];
            afterKey = closeQuote + 1;
        }
        else
        {
            var identifier = Identifier().Match(segment);
            if (!identifier.Success) throw Malformed(start, $"expected a property name, found '{_text[start..end]}'");
            key = identifier.Value;
            afterKey = start + identifier.Length;
        }

        var colon = afterKey;
        while (colon < end && _code[colon] is ' ' or '\t') colon++;
        if (colon >= end || _code[colon] != ':') throw Malformed(start, $"expected ':' after property '{key}'");
        var valueStart = colon + 1;
        while (valueStart < end && char.IsWhiteSpace(_code[valueStart])) valueStart++;
        var nested = valueStart < end && _code[valueStart] == '{' ? ParseObject(valueStart) : null;
        properties.Add(new BicepProperty(key, _text[valueStart..end], nested, LineOf(start)));
    }

    private int MatchingClose(int open)
    {
        var depth = 0;
        for (var i = open; i < _code.Length; i++)
        {
            if (_code[i] == '{') depth++;
            else if (_code[i] == '}' && --depth == 0) return i;
        }

        throw Malformed(open, "unclosed '{'");
    }

    private int LineOf(int index) => 1 + _text.AsSpan(0, index).Count('\n');

    private FormatException Malformed(int index, string problem) => new($"{FilePath}:{LineOf(index)}: {problem}.");

    /// <summary>
    /// The text with comments and string contents replaced by spaces (line breaks kept), so every index still points
    /// at the same place in the original. Quotes stay, so a string still reads as one.
    /// </summary>
    internal static string BlankCommentsAndStrings(string text, string filePath)
    {
        var code = new StringBuilder(text);
        new Blanker(text, code, filePath).ScanCode(0, untilClosingBrace: false);
        return code.ToString();
    }

    private sealed class Blanker(string text, StringBuilder code, string filePath)
    {
        /// <summary>Scans code from <paramref name="position"/>; inside an interpolation it stops after the '}' that
        /// closes it and returns the position after it.</summary>
        public int ScanCode(int position, bool untilClosingBrace)
        {
            var depth = 0;
            while (position < text.Length)
            {
                var c = text[position];
                if (c == '/' && At(position + 1, '/'))
                {
                    var end = text.IndexOf('\n', position);
                    position = Blank(position, end < 0 ? text.Length : end);
                }
                else if (c == '/' && At(position + 1, '*'))
                {
                    var end = text.IndexOf("*/", position + 2, StringComparison.Ordinal);
                    if (end < 0) throw Unterminated(position, "comment");
                    position = Blank(position, end + 2);
                }
                else if (string.CompareOrdinal(text, position, "'''", 0, 3) == 0)
                {
                    var end = text.IndexOf("'''", position + 3, StringComparison.Ordinal);
                    if (end < 0) throw Unterminated(position, "multi-line string");
                    Blank(position + 3, end);
                    position = end + 3;
                }
                else if (c == '\'')
                {
                    position = ScanString(position);
                }
                else
                {
                    if (untilClosingBrace && c == '{') depth++;
                    if (untilClosingBrace && c == '}' && depth-- == 0) return position + 1;
                    position++;
                }
            }

            if (untilClosingBrace) throw Unterminated(position - 1, "string interpolation");
            return position;
        }

        private int ScanString(int openQuote)
        {
            var position = openQuote + 1;
            while (position < text.Length)
            {
                var c = text[position];
                if (c == '\\') position = Blank(position, Math.Min(position + 2, text.Length));
                else if (c == '\'') return position + 1;
                else if (c == '$' && At(position + 1, '{'))
                {
                    var end = ScanCode(position + 2, untilClosingBrace: true);
                    Blank(position, end);
                    position = end;
                }
                else if (c == '\n') throw Unterminated(openQuote, "string");
                else position = Blank(position, position + 1);
            }

            throw Unterminated(openQuote, "string");
        }

        private bool At(int position, char expected) => position < text.Length && text[position] == expected;

        private int Blank(int start, int end)
        {
            for (var i = start; i < end; i++)
                if (text[i] != '\n') code[i] = ' ';
            return end;
        }

        private FormatException Unterminated(int position, string what) =>
            new($"{filePath}:{1 + text.AsSpan(0, Math.Min(position, text.Length)).Count('\n')}: unterminated {what}.");
    }

    [GeneratedRegex(@"^[ \t]*param[ \t]+(?<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]+(?<rest>(?<type>[^ \t\n=]+)[^\n]*)$", RegexOptions.Multiline)]
    private static partial Regex ParameterDeclaration();

    [GeneratedRegex(@"^[ \t]*output[ \t]+(?<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]", RegexOptions.Multiline)]
    private static partial Regex OutputDeclaration();

    [GeneratedRegex(@"^(resource|module)[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]+'")]
    private static partial Regex NestedDeclaration();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Identifier();
}

internal sealed record BicepParameter(string Name, bool IsRequired, int Line);

/// <summary>A module or resource declaration: its symbol, its target (module path or resource type) and its body.</summary>
internal sealed record BicepDeclaration(string Symbol, string Target, bool IsLoop, bool IsConditional, int Line, BicepObject Body);

internal sealed record BicepObject(IReadOnlyList<BicepProperty> Properties)
{
    public BicepProperty? this[string key] => Properties.FirstOrDefault(p => p.Key == key);
}

/// <summary>One property of an object literal: its value as written, and its properties when the value is an object.
/// A spread (<c>...expression</c>) has the key "...".</summary>
internal sealed record BicepProperty(string Key, string Value, BicepObject? Object, int Line);
