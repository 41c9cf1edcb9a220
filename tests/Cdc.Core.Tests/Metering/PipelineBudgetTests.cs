using Cdc.Core.Metering;
using Cdc.Core.Pipeline;
using static Cdc.Core.Tests.Pipeline.PipelineTestFiles;

namespace Cdc.Core.Tests.Metering;

public sealed class PipelineBudgetTests
{
    [Fact]
    public void A_pipeline_budget_reads_every_field()
    {
        var definition = Load(Minimal + """
            budget:
              name: orders-daily
              amount: 2.5
              period: day
              thresholds: [25, 90]
              enforce: true
              filter: { team: data-platform }

            """);

        definition.Budget.Should().BeEquivalentTo(new BudgetDefinition
        {
            Name = "orders-daily",
            Amount = 2.5m,
            Period = "day",
            Thresholds = [25, 90],
            Enforce = true,
            Filter = new Dictionary<string, string> { ["team"] = "data-platform" },
        });
        var budget = Budget.FromDefinition(definition.Budget!, definition.Name, "pipeline.yaml");
        budget.Should().BeEquivalentTo(new { Name = "orders-daily", Period = BudgetPeriod.Day, Pipeline = (string?)null, Enforce = true });
    }

    [Fact]
    public void A_pipeline_budget_without_filter_counts_only_its_pipeline_and_defaults_name_period_and_thresholds()
    {
        var budget = Budget.FromDefinition(Load(Minimal + "budget: { amount: 10 }\n").Budget!, "demo", "pipeline.yaml");

        budget.Should().BeEquivalentTo(new { Name = "demo", Amount = 10m, Period = BudgetPeriod.Month, Pipeline = "demo" });
        budget.Thresholds.Should().Equal(50, 80, 100);
        budget.Matches("demo", new Dictionary<string, string>()).Should().BeTrue();
        budget.Matches("other", new Dictionary<string, string>()).Should().BeFalse();
    }

    [Fact]
    public void Budget_mistakes_are_reported_with_line_and_field()
    {
        var errors = ErrorsOf(Minimal + """
            budget:
              period: week
              thresholds: [80, 50, 2000]
              enforce: "yes"
              filter: {}

            """);

        errors.Select(e => $"{e.Line}:{e.FieldPath}").Should().BeEquivalentTo(
            "12:budget.amount", "13:budget.period", "14:budget.thresholds[1]", "15:budget.enforce", "16:budget.filter");
        errors.Single(e => e.FieldPath == "budget.period").Message.Should().Contain("day, month");
        errors.Single(e => e.FieldPath == "budget.thresholds[1]").Message.Should().Contain("ascending");
    }

    [Fact]
    public void A_deployment_budgets_file_needs_names_and_reports_problems_by_line()
    {
        var yaml = """
            budgets:
              - name: team-monthly
                filter: { team: data-platform }
                amount: 200
                enforce: true
              - amount: 5
              - name: TEAM-MONTHLY
                amount: 1

            """;

        var act = () => BudgetsFile.Parse(yaml, "budgets.yaml");

        var errors = act.Should().Throw<PipelineValidationException>().Which.Errors;
        errors.Select(e => e.ToString()).Should().SatisfyRespectively(
            e => e.Should().StartWith("budgets.yaml:6:").And.Contain("budgets[1].name: is required"),
            e => e.Should().StartWith("budgets.yaml:7:").And.Contain("declared twice"));
    }

    [Fact]
    public void A_deployment_budget_of_a_pipeline_budgets_name_shadows_it()
    {
        var deployment = BudgetsFile.Parse("budgets:\n  - { name: shared, amount: 100, filter: { team: a } }\n", "budgets.yaml");
        var pipeline = Load(Minimal + "tags: { team: a }\nbudget: { name: shared, amount: 1 }\n");

        var budgets = BudgetCatalog.For(pipeline, pipeline.Tags, deployment);

        budgets.Should().ContainSingle().Which.Amount.Should().Be(100);
    }
}
