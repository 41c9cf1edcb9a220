using System.Globalization;
using System.Net;
using System.Text;

namespace Cdc.Core.Metering;

/// <summary>
/// Small, dependency-free SVG charts for the HTML report. Every chart is an <c>svg</c> with <c>data-chart</c> set to
/// its id; bars are <c>rect.bar</c> and lines <c>polyline.line</c>, each with <c>data-series</c>, so a page can be
/// checked (and styled) without scripts.
/// </summary>
internal static class SvgChart
{
    public const int Width = 880;
    public const int Height = 300;
    private const int Left = 100, Right = 16, Top = 16, Bottom = 72;
    private const int PlotWidth = Width - Left - Right, PlotHeight = Height - Top - Bottom;

    private static readonly string[] Palette =
        ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#06b6d4", "#ec4899", "#84cc16", "#f97316", "#64748b"];

    public sealed record BarSeries(string Name, IReadOnlyList<double> Values);

    public sealed record LineSeries(string Name, IReadOnlyList<(double X, double Y)> Points, bool Dashed = false);

    public static string Color(int index) => Palette[index % Palette.Length];

    /// <param name="unit">Appended to axis labels and values, e.g. " USD" or " s"; empty for plain counts.</param>
    public static string StackedBars(string id, string title, IReadOnlyList<string> categories, IReadOnlyList<BarSeries> series, string unit)
    {
        var svg = Open(id, title);
        var totals = categories.Select((_, i) => series.Sum(s => s.Values[i])).ToList();
        if (categories.Count == 0 || totals.All(t => t <= 0)) return Empty(svg);
        var max = NiceMax(totals.Max());
        YAxis(svg, max, unit);
        var slot = (double)PlotWidth / categories.Count;
        var barWidth = Math.Max(1, slot * 0.7);
        for (var i = 0; i < categories.Count; i++)
        {
            var x = Left + slot * i + (slot - barWidth) / 2;
            var y = (double)(Top + PlotHeight);
            for (var s = 0; s < series.Count; s++)
            {
                var value = series[s].Values[i];
                if (value <= 0) continue;
                var height = value / max * PlotHeight;
                y -= height;
                svg.Append(Invariant($"<rect class=\"bar\" data-series=\"{Encode(series[s].Name)}\" data-category=\"{Encode(categories[i])}\" data-value=\"{value:0.######}\" x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{barWidth:0.##}\" height=\"{height:0.##}\" fill=\"{Color(s)}\"><title>{Encode(series[s].Name)}, {Encode(categories[i])}: {Encode(Number(value) + unit)}</title></rect>"));
            }
        }
        XLabels(svg, categories.Select((c, i) => (Left + slot * (i + 0.5), c)).ToList());
        Legend(svg, series.Select(s => s.Name).ToList(), dashed: []);
        return Close(svg);
    }

    public static string Lines(string id, string title, IReadOnlyList<LineSeries> series, Func<double, string> xLabel, string yUnit, IReadOnlyList<double>? xTicks = null)
    {
        var svg = Open(id, title);
        var points = series.SelectMany(s => s.Points).ToList();
        if (points.Count == 0) return Empty(svg);
        var xMin = points.Min(p => p.X);
        var xMax = points.Max(p => p.X);
        if (xMax <= xMin) xMax = xMin + 1;
        var yMax = NiceMax(Math.Max(0, points.Max(p => p.Y)));
        var lowest = points.Min(p => p.Y);
        var yMin = lowest < 0 ? -NiceMax(-lowest) : 0;
        YAxis(svg, yMax, yUnit, yMin);
        double X(double x) => Left + (x - xMin) / (xMax - xMin) * PlotWidth;
        double Y(double y) => Top + PlotHeight - (y - yMin) / (yMax - yMin) * PlotHeight;
        for (var s = 0; s < series.Count; s++)
        {
            var line = series[s];
            if (line.Points.Count == 0) continue;
            var coordinates = string.Join(' ', line.Points.Select(p => Invariant($"{X(p.X):0.##},{Y(p.Y):0.##}")));
            var dash = line.Dashed ? " stroke-dasharray=\"6 4\"" : "";
            svg.Append(Invariant($"<polyline class=\"line\" data-series=\"{Encode(line.Name)}\" points=\"{coordinates}\" fill=\"none\" stroke=\"{Color(s)}\" stroke-width=\"2.5\"{dash}/>"));
            foreach (var (x, y) in line.Points)
                svg.Append(Invariant($"<circle class=\"point\" data-series=\"{Encode(line.Name)}\" cx=\"{X(x):0.##}\" cy=\"{Y(y):0.##}\" r=\"3\" fill=\"{Color(s)}\"><title>{Encode(line.Name)}: {Encode(xLabel(x))}, {Encode(Number(y) + yUnit)}</title></circle>"));
        }
        var ticks = xTicks ?? Enumerable.Range(0, 5).Select(i => xMin + (xMax - xMin) * i / 4).ToList();
        XLabels(svg, ticks.Select(t => (X(t), xLabel(t))).ToList());
        Legend(svg, series.Select(s => s.Name).ToList(), series.Select(s => s.Dashed).ToList());
        return Close(svg);
    }

    private static StringBuilder Open(string id, string title)
    {
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg data-chart=\"{Encode(id)}\" role=\"img\" aria-label=\"{Encode(title)}\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\">"));
        svg.Append("<title>").Append(Encode(title)).Append("</title>");
        svg.Append(Invariant($"<rect class=\"plot\" x=\"{Left}\" y=\"{Top}\" width=\"{PlotWidth}\" height=\"{PlotHeight}\" fill=\"#f8fafc\"/>"));
        return svg;
    }

    private static string Close(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static string Empty(StringBuilder svg)
    {
        svg.Append(Invariant($"<text class=\"empty\" x=\"{Left + PlotWidth / 2}\" y=\"{Top + PlotHeight / 2}\" text-anchor=\"middle\" fill=\"#64748b\">No data in this range</text>"));
        return Close(svg);
    }

    private static void YAxis(StringBuilder svg, double max, string unit, double min = 0)
    {
        var step = (max - min) / 4;
        // Enough decimals to tell neighbouring ticks apart, whatever the magnitude (costs can be fractions of a cent).
        var decimals = 0;
        while (decimals < 10 && step > 0 && Math.Abs(step * Math.Pow(10, decimals) - Math.Round(step * Math.Pow(10, decimals))) > 1e-6) decimals++;
        for (var i = 0; i <= 4; i++)
        {
            var value = min + step * i;
            var y = Top + PlotHeight - (double)PlotHeight * i / 4;
            svg.Append(Invariant($"<line class=\"grid\" x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{y:0.##}\" y2=\"{y:0.##}\" stroke=\"#e2e8f0\"/>"));
            svg.Append(Invariant($"<text class=\"tick\" x=\"{Left - 6}\" y=\"{y + 4:0.##}\" text-anchor=\"end\" font-size=\"11\" fill=\"#475569\">{Encode(value.ToString("N" + decimals, CultureInfo.InvariantCulture) + unit)}</text>"));
        }
        svg.Append(Invariant($"<line class=\"axis\" x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Top + PlotHeight}\" stroke=\"#334155\"/>"));
        svg.Append(Invariant($"<line class=\"axis\" x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{Top + PlotHeight}\" y2=\"{Top + PlotHeight}\" stroke=\"#334155\"/>"));
    }

    private static void XLabels(StringBuilder svg, IReadOnlyList<(double X, string Label)> labels)
    {
        var every = Math.Max(1, (int)Math.Ceiling(labels.Count / 12.0));
        for (var i = 0; i < labels.Count; i += every)
        {
            // Labels at the plot's edges grow inwards, so they are not cut off.
            var anchor = labels[i].X <= Left + 1 ? "start" : labels[i].X >= Left + PlotWidth - 1 ? "end" : "middle";
            svg.Append(Invariant($"<text class=\"tick\" x=\"{labels[i].X:0.##}\" y=\"{Top + PlotHeight + 16}\" text-anchor=\"{anchor}\" font-size=\"11\" fill=\"#475569\">{Encode(labels[i].Label)}</text>"));
        }
    }

    private static void Legend(StringBuilder svg, IReadOnlyList<string> names, IReadOnlyList<bool> dashed)
    {
        svg.Append("<g class=\"legend\">");
        var x = (double)Left;
        var y = Height - 22;
        for (var i = 0; i < names.Count; i++)
        {
            var style = i < dashed.Count && dashed[i] ? " stroke-dasharray=\"3 2\" fill=\"none\" stroke=\"" + Color(i) + "\"" : " fill=\"" + Color(i) + "\"";
            svg.Append(Invariant($"<rect x=\"{x:0.##}\" y=\"{y - 10}\" width=\"12\" height=\"12\"{style}/>"));
            svg.Append(Invariant($"<text x=\"{x + 16:0.##}\" y=\"{y}\" font-size=\"12\" fill=\"#0f172a\">{Encode(names[i])}</text>"));
            x += 28 + 7 * Math.Min(names[i].Length, 30);
        }
        svg.Append("</g>");
    }

    /// <summary>The smallest 1, 2 or 5 times a power of ten at or above <paramref name="value"/> (1 for zero).</summary>
    internal static double NiceMax(double value)
    {
        if (value <= 0 || double.IsNaN(value)) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1.0, 2.0, 5.0, 10.0 })
            if (step * magnitude >= value * (1 - 1e-12)) return step * magnitude;
        return 10 * magnitude;
    }

    /// <summary>A value for a tooltip or table: six significant digits, thousands separated, no exponent.</summary>
    internal static string Number(double value)
    {
        if (value == 0 || double.IsNaN(value)) return "0";
        var magnitude = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        return Math.Round(value, Math.Clamp(5 - magnitude, 0, 12)).ToString("#,0.############", CultureInfo.InvariantCulture);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
