using System.Diagnostics;
using System.Text.RegularExpressions;
using Cdc.Core.Metering;
using Cdc.Core.Model;

namespace Cdc.Core.Tests.Metering;

/// <summary>
/// The usage report rendered by headless Chromium (Debian's chromium package, installed by eng/bootstrap.sh): the
/// page must load from a file with the network off and draw every chart.
/// </summary>
public sealed partial class HtmlReportChromiumTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly DateTimeOffset Now = new(2025, 6, 12, 18, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-report-").FullName;

    [Fact]
    public async Task The_report_renders_offline_with_every_chart()
    {
        var (days, budgets) = Usage();
        var html = HtmlReport.Render(days, budgets, new UsageReportOptions(new DateOnly(2025, 6, 8), new DateOnly(2025, 6, 12), "team", Now));
        var page = Path.Combine(_folder, "report.html");
        await File.WriteAllTextAsync(page, html);

        html.Should().NotContainAny("<script", "http://", "https://", "<link", "@import");
        var dom = await ChromiumAsync("--dump-dom", new Uri(page).AbsoluteUri);
        var screenshot = Path.Combine(_folder, "report.png");
        await ChromiumAsync($"--screenshot={screenshot}", "--window-size=1000,2600", "--hide-scrollbars", new Uri(page).AbsoluteUri);

        var charts = Charts(dom);
        charts.Keys.Should().BeEquivalentTo("cost-per-day", "rows-per-run", "lag", "budget-burndown:team-a-monthly", "budget-burndown:orders");
        Count(charts["cost-per-day"], "rect class=\"bar\"").Should().Be(6, "team a on three days, team b on two, untagged once");
        Regex.Matches(charts["cost-per-day"], "data-series=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct()
            .Should().BeEquivalentTo("a", "b", "(untagged)");
        Count(charts["rows-per-run"], "rect class=\"bar\"").Should().Be(7, "six runs with inserts, one with updates too");
        Count(charts["lag"], "polyline class=\"line\"").Should().Be(2, "one line per table");
        Count(charts["budget-burndown:team-a-monthly"], "polyline class=\"line\"").Should().Be(2, "remaining and the even burn");
        dom.Should().Contain("<td>team-a-monthly</td>").And.Contain("2025-06");

        var image = PngImage.Read(await File.ReadAllBytesAsync(screenshot));
        image.Width.Should().Be(1000);
        var colored = 0;
        for (var y = 0; y < image.Height; y += 2)
            for (var x = 0; x < image.Width; x += 2)
            {
                var (r, g, b) = image[x, y];
                if (Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) > 80) colored++;
            }
        colored.Should().BeGreaterThan(2000, "the bars and lines are drawn in saturated colours on a white page");
    }

    /// <summary>Five days of two pipelines: orders (team a) and billing (team b), plus one untagged run.</summary>
    private static (IReadOnlyList<LedgerDay> Days, IReadOnlyList<Budget> Budgets) Usage()
    {
        var a = new Dictionary<string, string> { ["team"] = "a" };
        var b = new Dictionary<string, string> { ["team"] = "b" };
        var orders = new TableId("public", "orders");
        var invoices = new TableId("public", "invoices");
        var days = new List<LedgerDay>();
        for (var d = 8; d <= 12; d++)
        {
            var start = new DateTimeOffset(2025, 6, d, 6, 0, 0, TimeSpan.Zero);
            var records = new List<UsageRecord>();
            if (d % 2 == 0)
            {
                var run = MeteringTestKit.CostingRecord("orders", $"o{d}", start, 0.5m + d / 10m, a);
                records.Add(run);
                records.Add(run with { Step = UsageStep.Ingest, Table = orders, RowsApplied = new RowCounts(100 * d, d == 12 ? 40 : 0, 0), LagSeconds = 30 + d, End = start.AddMinutes(2) });
            }
            if (d is 9 or 11)
            {
                var run = MeteringTestKit.CostingRecord("billing", $"b{d}", start.AddHours(1), 0.3m, b);
                records.Add(run);
                records.Add(run with { Step = UsageStep.Ingest, Table = invoices, RowsApplied = new RowCounts(20, 0, 0), LagSeconds = 5 * d, End = start.AddHours(1).AddMinutes(1) });
            }
            if (d == 10) records.Add(MeteringTestKit.CostingRecord("adhoc", "x10", start.AddHours(3), 0.2m, new Dictionary<string, string>()) with { RowsApplied = new RowCounts(5, 0, 0) });
            days.Add(new LedgerDay(new DateOnly(2025, 6, d), records));
        }
        Budget[] budgets =
        [
            new() { Name = "team-a-monthly", Amount = 10m, Filter = a, DeclaredIn = "budgets.yaml" },
            new() { Name = "orders", Amount = 1m, Period = BudgetPeriod.Day, Pipeline = "orders", Enforce = true, DeclaredIn = "orders.yaml" },
        ];
        return (days, budgets);
    }

    private async Task<string> ChromiumAsync(params string[] arguments)
    {
        File.Exists(Chromium).Should().BeTrue($"the report test renders with headless Chromium at {Chromium}; install it with eng/bootstrap.sh (as root it installs Debian's chromium package)");
        var start = new ProcessStartInfo(Chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])
                 ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={Directory.CreateTempSubdirectory("ingest-chromium-").FullName}", .. arguments])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium {string.Join(' ', arguments)} did not finish: {await errors}");
        }
        process.ExitCode.Should().Be(0, $"chromium {string.Join(' ', arguments)} failed: {await errors}");
        return await output;
    }

    /// <summary>Each svg element's markup by its data-chart id.</summary>
    private static Dictionary<string, string> Charts(string dom) =>
        SvgPattern().Matches(dom).ToDictionary(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), m => m.Value);

    private static int Count(string text, string what) => Regex.Count(text, Regex.Escape(what));

    [GeneratedRegex("<svg[^>]*data-chart=\"([^\"]+)\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgPattern();

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
