using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using NCrontab;

namespace Cdc.Core.Pipeline;

/// <summary>
/// A pipeline's <c>schedule</c>: either a cron expression (5 fields, or 6 with seconds first; NCrontab syntax,
/// evaluated in UTC) or a fixed interval such as <c>30s</c>, <c>15m</c>, <c>1h</c> or <c>1d</c>. Intervals are aligned
/// to whole multiples since 1970-01-01T00:00Z, so <c>15m</c> fires at :00, :15, :30 and :45 whenever it is asked.
/// </summary>
public sealed partial class PipelineSchedule
{
    /// <summary>The longest interval accepted; anything rarer is better written as cron.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(366);

    // Any cron that fires at all fires within one 400-year Gregorian cycle (e.g. 29 February on a Monday).
    private const int CronSearchYears = 400;

    private PipelineSchedule(string expression, CrontabSchedule? cron, TimeSpan? interval)
    {
        Expression = expression;
        Cron = cron;
        Interval = interval;
    }

    /// <summary>The text as written in the pipeline file.</summary>
    public string Expression { get; }

    /// <summary>The parsed cron schedule, or null for an interval.</summary>
    public CrontabSchedule? Cron { get; }

    /// <summary>The interval, or null for a cron schedule.</summary>
    public TimeSpan? Interval { get; }

    public static PipelineSchedule Parse(string expression) =>
        TryParse(expression, out var schedule, out var error) ? schedule : throw new FormatException(error);

    public static bool TryParse(string? expression, [NotNullWhen(true)] out PipelineSchedule? schedule, [NotNullWhen(false)] out string? error)
    {
        schedule = null;
        var text = expression?.Trim() ?? "";
        if (text.Length == 0)
        {
            error = "the schedule is empty; write a cron expression such as \"*/15 * * * *\" or an interval such as 15m";
            return false;
        }

        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 1 ? TryParseInterval(text, out schedule, out error) : TryParseCron(text, fields.Length, out schedule, out error);
    }

    /// <summary>The first run time strictly after <paramref name="after"/>, in UTC; null when the schedule never fires
    /// again (a cron such as 30 February, or a time beyond <see cref="DateTimeOffset.MaxValue"/>).</summary>
    public DateTimeOffset? NextOccurrence(DateTimeOffset after) =>
        Interval is { } interval ? NextInterval(after, interval) : NextCron(Cron!, after);

    public override string ToString() => Expression;

    private static bool TryParseInterval(string text, out PipelineSchedule? schedule, out string? error)
    {
        schedule = null;
        var match = IntervalPattern().Match(text);
        if (!match.Success)
        {
            error = $"'{text}' is neither an interval (a whole number followed by s, m, h or d: 30s, 15m, 1h, 1d) nor a cron expression (5 or 6 fields)";
            return false;
        }

        if (!long.TryParse(match.Groups["count"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            count = long.MaxValue;
        }

        if (count == 0)
        {
            error = $"the interval '{text}' must be at least 1{match.Groups["unit"].Value}";
            return false;
        }

        var unit = match.Groups["unit"].Value switch
        {
            "s" => TimeSpan.FromSeconds(1),
            "m" => TimeSpan.FromMinutes(1),
            "h" => TimeSpan.FromHours(1),
            _ => TimeSpan.FromDays(1),
        };
        if (count > MaxInterval.Ticks / unit.Ticks)
        {
            error = $"the interval '{text}' is longer than {MaxInterval.TotalDays:0} days; use a cron expression for rarer runs";
            return false;
        }

        schedule = new PipelineSchedule(text, null, TimeSpan.FromTicks(count * unit.Ticks));
        error = null;
        return true;
    }

    private static bool TryParseCron(string text, int fieldCount, out PipelineSchedule? schedule, out string? error)
    {
        schedule = null;
        if (fieldCount is not (5 or 6))
        {
            error = $"a cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first); '{text}' has {fieldCount}";
            return false;
        }

        var options = new CrontabSchedule.ParseOptions { IncludingSeconds = fieldCount == 6 };
        string? parseError = null;
        var cron = CrontabSchedule.TryParse(text, options, parsed => (CrontabSchedule?)parsed, failure =>
        {
            parseError = failure().Message;
            return null;
        });
        if (cron is null)
        {
            error = $"'{text}' is not a valid cron expression: {parseError}";
            return false;
        }

        if (NextCron(cron, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)) is null)
        {
            error = $"the cron expression '{text}' never fires (no such date exists)";
            return false;
        }

        schedule = new PipelineSchedule(text, cron, null);
        error = null;
        return true;
    }

    private static DateTimeOffset? NextInterval(DateTimeOffset after, TimeSpan interval)
    {
        var sinceEpoch = after.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var periods = Math.Floor((decimal)sinceEpoch / interval.Ticks) + 1;
        var nextTicks = DateTimeOffset.UnixEpoch.UtcTicks + (periods * interval.Ticks);
        return nextTicks > DateTimeOffset.MaxValue.UtcTicks ? null : new DateTimeOffset((long)nextTicks, TimeSpan.Zero);
    }

    private static DateTimeOffset? NextCron(CrontabSchedule cron, DateTimeOffset after)
    {
        var start = after.UtcDateTime;
        var end = start.Year <= DateTime.MaxValue.Year - CronSearchYears ? start.AddYears(CronSearchYears) : DateTime.MaxValue;
        var next = cron.GetNextOccurrence(start, end);
        return next >= end ? null : new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
    }

    [GeneratedRegex("^(?<count>[0-9]+)(?<unit>[smhd])$", RegexOptions.CultureInvariant)]
    private static partial Regex IntervalPattern();
}
