using Cdc.Core.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Metering;

/// <summary>Which budgets exist for a pipeline and which its runs count against. A deployment budget of the same
/// name as a pipeline's budget wins, so a team budget is defined in one place.</summary>
public static class BudgetCatalog
{
    /// <summary>The deployment's budgets and the pipeline's own (unless shadowed by name).</summary>
    public static IReadOnlyList<Budget> Declared(PipelineDefinition pipeline, IReadOnlyList<Budget> deployment, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(deployment);
        var budgets = new List<Budget>(deployment);
        if (pipeline.Budget is not { } own) return budgets;
        var budget = Budget.FromDefinition(own, pipeline.Name, pipeline.SourceFile ?? pipeline.Name);
        var shadow = deployment.FirstOrDefault(b => string.Equals(b.Name, budget.Name, StringComparison.OrdinalIgnoreCase));
        if (shadow is null) budgets.Add(budget);
        else MeteringLog.BudgetShadowed(logger ?? NullLogger.Instance, budget.Name, budget.DeclaredIn, shadow.DeclaredIn);
        return budgets;
    }

    /// <summary>The declared budgets a run of the pipeline, with its merged tags, counts against.</summary>
    public static IReadOnlyList<Budget> For(PipelineDefinition pipeline, IReadOnlyDictionary<string, string> tags, IReadOnlyList<Budget> deployment, ILogger? logger = null) =>
        [.. Declared(pipeline, deployment, logger).Where(b => b.Matches(pipeline.Name, tags))];
}
