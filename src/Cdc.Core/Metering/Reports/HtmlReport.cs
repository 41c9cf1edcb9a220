using System.Globalization;
using System.Net;
using System.Text;

namespace Cdc.Core.Metering;

/// <param name="From">First day (UTC) of usage shown.</param>
/// <param name="To">Last day (UTC) of usage shown.</param>
/// <param name="TagKey">The tag whose values split cost per day; null splits by pipeline.</param>
public sealed record UsageReportOptions(DateOnly From, DateOnly To, string? TagKey, DateTimeOffset GeneratedAt, string Title = "Ingest usage");

/// <summary>
/// A self-contained HTML page of usage: inline CSS and inline SVG charts, no scripts and no external resources, so
/// it opens from a file without a network. Charts (<c>svg[data-chart]</c>): <c>cost-per-day</c> (stacked by tag
/// value), <c>rows-per-run</c> (rows applied by operation), <c>lag</c> (per table) and
/// <c>budget-burndown:&lt;budget&gt;</c> (remaining amount through the current period, against an even burn).
/// </summary>
public static class HtmlReport
{
    private const int MaxRuns = 60;

    /// <param name="days">Ledger days covering <see cref="UsageReportOptions.From"/> to <see cref="UsageReportOptions.To"/>
    /// and the budgets' current periods.</param>
    public static string Render(IReadOnlyList<LedgerDay> days, IReadOnlyList<Budget> budgets, UsageReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(budgets);
        ArgumentNullException.ThrowIfNull(options);
        var inRange = days.Where(d => d.Day >= options.From && d.Day <= options.To).ToList();
        var records = inRange.SelectMany(d => d.Records).ToList();
        var currency = days.SelectMany(d => d.Records).FirstOrDefault()?.Cost.Currency ?? "";

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>").Append(Encode(options.Title)).Append("</title><style>").Append(Css).Append("</style></head><body>");
        html.Append("<h1>").Append(Encode(options.Title)).Append("</h1>");
        html.Append("<p class=\"meta\">").Append(Encode(Invariant($"{options.From:yyyy-MM-dd} to {options.To:yyyy-MM-dd} (UTC), {records.Select(r => (r.Pipeline, r.RunId)).Distinct().Count()} runs; generated {options.GeneratedAt:yyyy-MM-dd HH:mm} UTC. Costs are estimates from the price list.")))
            .Append("</p>");

        Summary(html, records);
        Section(html, $"Cost per day by {(options.TagKey is null ? "pipeline" : "tag " + options.TagKey)}", CostPerDay(inRange, options, currency));
        Section(html, "Rows applied per run", RowsPerRun(records));
        Section(html, "Lag per table (source commit to apply)", Lag(records));
        Budgets(html, days, budgets, options.GeneratedAt, currency);
        html.Append("</body></html>");
        return html.ToString();
    }

    private static string CostPerDay(IReadOnlyList<LedgerDay> days, UsageReportOptions options, string currency)
    {
        var grouping = options.TagKey is null ? UsageGrouping.Pipeline : new UsageGrouping("tag", options.TagKey);
        var dates = new List<DateOnly>();
        for (var day = options.From; day <= options.To; day = day.AddDays(1)) dates.Add(day);
        var groups = days.SelectMany(d => d.Records).Select(grouping.GroupOf).Distinct().Order(StringComparer.Ordinal).ToList();
        var series = groups.Select(g => new SvgChart.BarSeries(g, dates.Select(date =>
            (double)days.Where(d => d.Day == date).SelectMany(d => d.Records).Where(r => grouping.GroupOf(r) == g).Sum(r => r.Cost.Total)).ToList())).ToList();
        return SvgChart.StackedBars("cost-per-day", "Cost per day", dates.Select(d => d.ToString("MM-dd", CultureInfo.InvariantCulture)).ToList(), series, " " + currency);
    }

    private static string RowsPerRun(IReadOnlyList<UsageRecord> records)
    {
        var runs = records.GroupBy(r => (r.Pipeline, r.RunId))
            .Select(g => (Start: g.Min(r => r.Start), Rows: g.Aggregate(RowCounts.Zero, (sum, r) => sum.Add(r.RowsApplied))))
            .OrderBy(r => r.Start)
            .TakeLast(MaxRuns)
            .ToList();
        var format = TimeFormat(runs.Count == 0 ? TimeSpan.Zero : runs[^1].Start - runs[0].Start);
        var labels = runs.Select(r => r.Start.UtcDateTime.ToString(format, CultureInfo.InvariantCulture)).ToList();
        SvgChart.BarSeries[] series =
        [
            new("inserted", runs.Select(r => (double)r.Rows.Inserts).ToList()),
            new("updated", runs.Select(r => (double)r.Rows.Updates).ToList()),
            new("deleted", runs.Select(r => (double)r.Rows.Deletes).ToList()),
        ];
        return SvgChart.StackedBars("rows-per-run", "Rows applied per run", labels, series, "");
    }

    private static string Lag(IReadOnlyList<UsageRecord> records)
    {
        var series = records.Where(r => r.Step == UsageStep.Ingest && r.Table is not null && r.LagSeconds is not null)
            .GroupBy(r => r.Table!.Value.ToString(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new SvgChart.LineSeries(g.Key, g.OrderBy(r => r.End).Select(r => (Seconds(r.End), r.LagSeconds!.Value)).ToList()))
            .ToList();
        var ends = series.SelectMany(l => l.Points).Select(p => p.X).DefaultIfEmpty().ToList();
        var format = TimeFormat(TimeSpan.FromSeconds(ends.Max() - ends.Min()));
        return SvgChart.Lines("lag", "Lag per table", series, x => Time(x).ToString(format, CultureInfo.InvariantCulture), " s");
    }

    private static void Budgets(StringBuilder html, IReadOnlyList<LedgerDay> days, IReadOnlyList<Budget> budgets, DateTimeOffset now, string currency)
    {
        html.Append("<section><h2>Budgets</h2>");
        if (budgets.Count == 0)
        {
            html.Append("<p class=\"meta\">No budgets are declared for this pipeline or deployment.</p></section>");
            return;
        }
        html.Append("<table><thead><tr><th>budget</th><th>period</th><th>matches</th><th class=\"n\">spent</th><th class=\"n\">amount</th><th class=\"n\">used</th><th>enforced</th></tr></thead><tbody>");
        var charts = new StringBuilder();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var budget in budgets)
        {
            var window = BudgetWindow.Of(budget.Period, now);
            var spendByDay = days.Where(d => window.Contains(d.Day)).ToDictionary(d => d.Day, d => d.Records.Where(budget.Matches).Sum(r => r.Cost.Total));
            var spent = spendByDay.Values.Sum();
            var used = budget.Amount == 0 ? (spent > 0 ? 100 : 0) : spent / budget.Amount * 100;
            var scope = budget.Filter.Count > 0 ? string.Join(", ", budget.Filter.Select(f => $"{f.Key}={f.Value}")) : $"pipeline {budget.Pipeline}";
            html.Append(Invariant($"<tr><td>{Encode(budget.Name)}</td><td>{Encode(window.Key)}</td><td>{Encode(scope)}</td><td class=\"n\">{SvgChart.Number((double)spent)}</td><td class=\"n\">{SvgChart.Number((double)budget.Amount)}</td><td class=\"n{(used >= 100 ? " over" : "")}\">{used:0.#}%</td><td>{(budget.Enforce ? "yes" : "no")}</td></tr>"));

            // Remaining amount at the end of each day through today, and an even burn from the full amount to zero.
            var length = window.LastDay.DayNumber - window.FirstDay.DayNumber + 1;
            var remaining = new List<(double, double)> { (0, (double)budget.Amount) };
            var cumulative = 0m;
            for (var day = window.FirstDay; day <= window.LastDay && day <= today; day = day.AddDays(1))
            {
                cumulative += spendByDay.GetValueOrDefault(day);
                remaining.Add((day.DayNumber - window.FirstDay.DayNumber + 1, (double)(budget.Amount - cumulative)));
            }
            SvgChart.LineSeries[] series =
            [
                new("remaining", remaining),
                new("even burn", [(0, (double)budget.Amount), (length, 0)], Dashed: true),
            ];
            var ticks = Enumerable.Range(0, 5).Select(i => Math.Round(length * i / 4.0)).Distinct().ToList();
            charts.Append("<figure><figcaption>").Append(Encode($"{budget.Name}: {window.Key}")).Append("</figcaption>")
                .Append(SvgChart.Lines($"budget-burndown:{budget.Name}", $"Budget {budget.Name} burn-down", series,
                    x => window.FirstDay.AddDays((int)x).ToString("MM-dd", CultureInfo.InvariantCulture), " " + currency, ticks))
                .Append("</figure>");
        }
        html.Append("</tbody></table>").Append(charts).Append("</section>");
    }

    private static void Summary(StringBuilder html, IReadOnlyList<UsageRecord> records)
    {
        html.Append("<section><h2>By pipeline</h2><table><thead><tr><th>pipeline</th><th class=\"n\">runs</th><th class=\"n\">rows staged</th><th class=\"n\">rows applied</th><th class=\"n\">MB staged</th><th class=\"n\">compute s</th><th class=\"n\">GB-s</th><th class=\"n\">storage ops</th><th class=\"n\">cost</th></tr></thead><tbody>");
        foreach (var row in UsageQuery.Summarize(records, UsageGrouping.Pipeline))
            html.Append(Invariant($"<tr{(row.Group == "total" ? " class=\"total\"" : "")}><td>{Encode(row.Group)}</td><td class=\"n\">{row.Runs:N0}</td><td class=\"n\">{row.RowsStaged.Total:N0}</td><td class=\"n\">{row.RowsApplied.Total:N0}</td><td class=\"n\">{row.BytesStaged / 1048576.0:0.##}</td><td class=\"n\">{row.ComputeSeconds:0.#}</td><td class=\"n\">{row.MemoryGbSeconds:0.#}</td><td class=\"n\">{row.StorageOperations:N0}</td><td class=\"n\">{SvgChart.Number((double)row.Cost)} {Encode(row.Currency)}</td></tr>"));
        html.Append("</tbody></table></section>");
    }

    private static void Section(StringBuilder html, string title, string chart) =>
        html.Append("<section><h2>").Append(Encode(title)).Append("</h2><figure>").Append(chart).Append("</figure></section>");

    /// <summary>Time labels as fine as the span they cover needs.</summary>
    private static string TimeFormat(TimeSpan span) => span < TimeSpan.FromHours(1) ? "HH:mm:ss" : span < TimeSpan.FromDays(3) ? "MM-dd HH:mm" : "MM-dd";

    private static double Seconds(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / 1000.0;

    private static DateTime Time(double seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)).UtcDateTime;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private const string Css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:940px;color:#0f172a;background:#fff}
        h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}.meta{color:#475569;font-size:13px}
        table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #e2e8f0;text-align:left}
        th{background:#f1f5f9}.n{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:600}td.over{color:#b91c1c;font-weight:600}
        figure{margin:8px 0}figcaption{font-size:13px;color:#334155;margin-bottom:4px}svg{max-width:100%;height:auto;font-family:inherit}
        """;
}
