using System.CommandLine;
using System.Globalization;
using Cdc.Core.Metering;
using Cdc.Core.Pipeline;
using Spectre.Console;

namespace Ingest.Cli.Commands;

internal static class UsageCommand
{
    public static Command Create(Option<bool> verbose)
    {
        var pipeline = PipelineArgument.Create();
        var since = SinceOption();
        var until = UntilOption();
        var by = new Option<string>("--by")
        {
            Description = $"Group by {UsageGrouping.Choices}.",
            DefaultValueFactory = _ => "pipeline",
        };
        var command = new Command("usage", "Print usage and estimated cost from the usage ledger of the pipeline's staging location (every pipeline staging there).")
        {
            pipeline, since, until, by,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var definition = PipelineArgument.Load(parse.GetRequiredValue(pipeline), Console.Error);
            if (definition is null) return ExitCodes.InvalidInput;
            if (!TryDates(parse.GetValue(since), parse.GetValue(until), out var from, out var to)) return ExitCodes.InvalidInput;
            UsageGrouping grouping;
            try
            {
                grouping = UsageGrouping.Parse(parse.GetValue(by) ?? "pipeline");
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine($"--by: {ex.Message}");
                return ExitCodes.InvalidInput;
            }

            using var loggers = CliLogging.Create(parse.GetValue(verbose));
            try
            {
                var metering = MeteringContext.Open(definition, MeteringSettings.FromEnvironment(), loggers);
                var records = await metering.Ledger.ReadAsync(from, to, cancellationToken);
                Print(UsageQuery.Summarize(records, grouping), grouping, from, to, metering.Ledger.Store.Description);
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

    internal static Option<string> SinceOption() => new("--since")
    {
        Description = "First day (UTC) to include: yyyy-MM-dd, or Nd for N days ago. Default: the first day of this month.",
    };

    internal static Option<string> UntilOption() => new("--until")
    {
        Description = "Last day (UTC) to include: yyyy-MM-dd, or Nd for N days ago. Default: today.",
    };

    /// <summary>Reads --since and --until, printing what is wrong with them.</summary>
    internal static bool TryDates(string? since, string? until, out DateOnly from, out DateOnly to)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        from = new DateOnly(today.Year, today.Month, 1);
        to = today;
        if (since is not null && !TryDay(since, today, out from))
        {
            Console.Error.WriteLine($"--since: '{since}' is not a day; use yyyy-MM-dd (2025-06-01) or Nd (7d for seven days ago).");
            return false;
        }
        if (until is not null && !TryDay(until, today, out to))
        {
            Console.Error.WriteLine($"--until: '{until}' is not a day; use yyyy-MM-dd (2025-06-30) or Nd (0d for today).");
            return false;
        }
        if (to < from)
        {
            Console.Error.WriteLine($"--until ({to:yyyy-MM-dd}) is before --since ({from:yyyy-MM-dd}).");
            return false;
        }
        return true;
    }

    private static bool TryDay(string text, DateOnly today, out DateOnly day)
    {
        var value = text.Trim();
        if (value.EndsWith('d') && int.TryParse(value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var daysAgo) && daysAgo <= 3660)
        {
            day = today.AddDays(-daysAgo);
            return true;
        }
        return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    /// <summary>The lines <c>ingest run</c> prints after the run: its usage and any budget alerts it raised.</summary>
    internal static void PrintRun(MeteredRunResult result, TextWriter output)
    {
        var usage = result.Usage;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"usage: {usage.ComputeSeconds:0.0} s compute ({usage.MemoryGbSeconds:0.0} GB-s), {usage.StorageOperations.Total:N0} storage operations, {usage.BytesStaged / 1048576.0:0.##} MB staged: estimated {usage.Cost:0.######} {usage.Currency}"));
        foreach (var alert in result.Alerts) output.WriteLine($"BUDGET ALERT: {alert.Message}");
    }

    private static void Print(IReadOnlyList<UsageSummaryRow> rows, UsageGrouping grouping, DateOnly from, DateOnly to, string ledger)
    {
        AnsiConsole.MarkupLine(Markup.Escape($"usage {from:yyyy-MM-dd} to {to:yyyy-MM-dd} (UTC) by {grouping.Describe()}, from {ledger}"));
        if (rows.Count == 1 && rows[0].Runs == 0)
        {
            AnsiConsole.WriteLine("no runs recorded in this range.");
            return;
        }
        var currency = rows[^1].Currency;
        var table = new Table().AddColumns(grouping.Describe(), "runs", "rows read", "rows staged", "rows applied", "MB staged", "compute s", "GB-s", "storage ops", $"cost {currency}");
        foreach (var column in table.Columns.Skip(1)) column.RightAligned();
        foreach (var row in rows)
        {
            var cells = new[]
            {
                row.Group,
                row.Runs.ToString("N0", CultureInfo.InvariantCulture),
                row.RowsRead.Total.ToString("N0", CultureInfo.InvariantCulture),
                row.RowsStaged.Total.ToString("N0", CultureInfo.InvariantCulture),
                row.RowsApplied.Total.ToString("N0", CultureInfo.InvariantCulture),
                (row.BytesStaged / 1048576.0).ToString("0.##", CultureInfo.InvariantCulture),
                row.ComputeSeconds.ToString("0.#", CultureInfo.InvariantCulture),
                row.MemoryGbSeconds.ToString("0.#", CultureInfo.InvariantCulture),
                row.StorageOperations.ToString("N0", CultureInfo.InvariantCulture),
                row.Cost.ToString("0.######", CultureInfo.InvariantCulture),
            };
            table.AddRow(cells.Select(c => row.Group == "total" ? $"[bold]{Markup.Escape(c)}[/]" : Markup.Escape(c)).ToArray());
        }
        AnsiConsole.Write(table);
    }
}
