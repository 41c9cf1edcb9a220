using Cdc.Core.Pipeline;
using Cdc.Core.Pipeline.Loading;
using YamlDotNet.RepresentationModel;

namespace Cdc.Core.Metering;

/// <summary>
/// The deployment budgets file (YAML), for budgets that span pipelines:
/// <code>
/// budgets:
///   - name: data-platform-monthly
///     filter: { team: data-platform }
///     amount: 200
///     period: month            # or day
///     thresholds: [50, 80, 100]
///     enforce: true
/// </code>
/// Every problem is reported together with file, line and field, like pipeline files.
/// </summary>
public static class BudgetsFile
{
    private static readonly string[] RootKeys = ["budgets"];

    /// <exception cref="PipelineValidationException">The file is invalid; every problem is listed.</exception>
    public static IReadOnlyList<Budget> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path), path);
    }

    public static IReadOnlyList<Budget> Parse(string yaml, string fileName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var errors = new ErrorCollector(fileName);
        var budgets = new List<Budget>();
        var root = YamlDocumentReader.Read(yaml, errors);
        if (root is YamlMappingNode mapping)
        {
            var map = new YamlMap(mapping, "", mapping.Start, RootKeys, errors);
            var list = map.Sequence("budgets", required: true);
            for (var i = 0; list is not null && i < list.Children.Count; i++)
            {
                var path = $"budgets[{i}]";
                if (list.Children[i] is not YamlMappingNode entry)
                {
                    errors.Add(list.Children[i].Start, path, "expected a budget (name, amount, period, ...)");
                    continue;
                }
                var definition = BudgetSectionReader.Read(new YamlMap(entry, path, entry.Start, PipelineKeys.Budget, errors), nameRequired: true);
                if (definition is null) continue;
                if (budgets.Any(b => string.Equals(b.Name, definition.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    errors.Add(entry.Start, $"{path}.name", $"budget '{definition.Name}' is declared twice; names are compared ignoring case");
                    continue;
                }
                budgets.Add(Budget.FromDefinition(definition, pipeline: null, fileName));
            }
        }
        else if (root is not null)
        {
            errors.Add(root.Start, "", "expected a mapping with a 'budgets' list at the top level");
        }
        if (errors.HasErrors) throw new PipelineValidationException(errors.Sorted());
        return budgets;
    }
}
