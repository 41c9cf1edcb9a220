using System.CommandLine;
using Cdc.Core.Metering;
using Cdc.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace Ingest.Cli.Commands;

internal static class ReportCommand
{
    public static Command Create(Option<bool> verbose)
    {
        var pipeline = PipelineArgument.Create();
        var since = UsageCommand.SinceOption();
        var until = UsageCommand.UntilOption();
        var tag = new Option<string>("--tag")
        {
            Description = "The tag whose values split cost per day. Default: the first required tag (Ingest__RequiredTags), else per pipeline.",
        };
        var output = new Option<FileInfo>("--out")
        {
            Description = "Where to write the page.",
            DefaultValueFactory = _ => new FileInfo("report.html"),
        };
        var command = new Command("report", "Write a self-contained HTML page of usage and cost: cost per day by tag, rows per run, lag, budget burn-down.")
        {
            pipeline, since, until, tag, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var definition = PipelineArgument.Load(parse.GetRequiredValue(pipeline), Console.Error);
            if (definition is null) return ExitCodes.InvalidInput;
            if (!UsageCommand.TryDates(parse.GetValue(since), parse.GetValue(until), out var from, out var to)) return ExitCodes.InvalidInput;
            var file = parse.GetRequiredValue(output);

            using var loggers = CliLogging.Create(parse.GetValue(verbose));
            try
            {
                var settings = MeteringSettings.FromEnvironment();
                var metering = MeteringContext.Open(definition, settings, loggers);
                var now = DateTimeOffset.UtcNow;
                var budgets = BudgetCatalog.Declared(definition, metering.DeploymentBudgets, loggers.CreateLogger("Ingest.Cli.Report"));
                var first = budgets.Select(b => BudgetWindow.Of(b.Period, now).FirstDay).Append(from).Min();
                var last = DateOnly.FromDateTime(now.UtcDateTime) > to ? DateOnly.FromDateTime(now.UtcDateTime) : to;
                var days = await metering.Ledger.ReadDaysAsync(first, last, cancellationToken);
                var options = new UsageReportOptions(from, to, parse.GetValue(tag) ?? (settings.Tags.RequiredKeys.Count > 0 ? settings.Tags.RequiredKeys[0] : null), now, $"Ingest usage: {definition.Name}");
                await File.WriteAllTextAsync(file.FullName, HtmlReport.Render(days, budgets, options), cancellationToken);
                Console.WriteLine($"wrote {file.FullName} ({days.Sum(d => d.Records.Count)} usage records, {budgets.Count} budget(s)).");
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (CliErrors.IsInvalidInput(ex))
            {
                Console.Error.WriteLine(ex.Message);
                return ExitCodes.InvalidInput;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Error;
            }
        });
        return command;
    }
}
