using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>Reads one budget mapping (a pipeline's <c>budget:</c> or an entry of a deployment budgets file) into a
/// <see cref="BudgetDefinition"/>, recording every problem with its line and field path.</summary>
internal static class BudgetSectionReader
{
    public const int MinThreshold = 1;
    public const int MaxThreshold = 1000;

    /// <returns>The budget, or null when anything in it was wrong.</returns>
    public static BudgetDefinition? Read(YamlMap map, bool nameRequired)
    {
        var before = map.Errors.Count;
        var name = map.String("name", required: nameRequired, "a name alerts and refusals can show, e.g. data-platform-monthly");
        var amount = map.Decimal("amount", min: 0);
        if (amount is null && !map.Has("amount")) map.Missing("amount", "the spend allowed per period, e.g. amount: 200");
        var period = map.Enum("period", PipelineKeys.BudgetPeriods);
        var thresholds = ReadThresholds(map);
        var enforce = map.Bool("enforce");
        var filter = TagMapReader.Read(map, "filter", "name at least one tag (team: data-platform) or leave filter out to count only this pipeline");
        if (map.Errors.Count > before) return null;
        return new BudgetDefinition
        {
            Name = name,
            Amount = amount,
            Period = period is { } p ? p.ToString().ToLowerInvariant() : null,
            Thresholds = thresholds,
            Enforce = enforce ?? false,
            Filter = filter,
        };
    }

    private static List<int>? ReadThresholds(YamlMap map)
    {
        var sequence = map.Sequence("thresholds");
        if (sequence is null) return null;
        if (sequence.Children.Count == 0)
        {
            map.Error("thresholds", "must list at least one percentage, e.g. [50, 80, 100]; leave the key out for those defaults");
            return null;
        }

        var values = new List<int>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var item = sequence.Children[i];
            var path = $"{map.PathOf("thresholds")}[{i}]";
            if (item is not YamlScalarNode scalar || ScalarKinds.Of(scalar) != ScalarKind.Integer
                || !int.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var percent))
            {
                map.Errors.Add(item.Start, path, $"expected a whole percentage such as 80, found {ScalarKinds.Describe(item)}");
                return null;
            }

            if (percent is < MinThreshold or > MaxThreshold)
            {
                map.Errors.Add(item.Start, path, $"must be between {MinThreshold} and {MaxThreshold} (percent of amount); found {percent}");
                return null;
            }

            if (values.Count > 0 && percent <= values[^1])
            {
                map.Errors.Add(item.Start, path, $"{percent} does not follow {values[^1]}: list thresholds in ascending order, each once");
                return null;
            }

            values.Add(percent);
        }

        return values;
    }
}
