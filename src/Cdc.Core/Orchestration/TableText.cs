using System.Text;
using Cdc.Core.Model;

namespace Cdc.Core.Orchestration;

/// <summary>
/// Tables as they travel in orchestration inputs and results: <c>schema.table</c>, quoting a part only when
/// <see cref="TableId.Parse"/> would misread it plain (it holds a '.', or starts with '"'), so plain names read the
/// same as <see cref="TableId.ToString"/> and every name reads back exactly.
/// </summary>
public static class TableText
{
    public static string Format(TableId table) => $"{Part(table.Schema)}.{Part(table.Name)}";

    /// <exception cref="FormatException">The text is not <c>schema.table</c>.</exception>
    public static TableId Parse(string text) => TableId.Parse(text);

    private static string Part(string part)
    {
        if (part.Length > 0 && !part.Contains('.', StringComparison.Ordinal) && part[0] != '"') return part;
        return new StringBuilder(part.Length + 2).Append('"').Append(part.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"').ToString();
    }
}
