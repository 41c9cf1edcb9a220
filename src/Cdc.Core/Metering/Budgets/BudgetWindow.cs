using System.Globalization;

namespace Cdc.Core.Metering;

/// <summary>One period of a budget in UTC: [<see cref="Start"/>, <see cref="End"/>), named by <see cref="Key"/>
/// (<c>2025-06</c> for a month, <c>2025-06-14</c> for a day).</summary>
public readonly record struct BudgetWindow(DateTimeOffset Start, DateTimeOffset End, string Key)
{
    public static BudgetWindow Of(BudgetPeriod period, DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        if (period == BudgetPeriod.Day)
        {
            var day = new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
            return new BudgetWindow(day, day.AddDays(1), day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
        var month = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return new BudgetWindow(month, month.AddMonths(1), month.ToString("yyyy-MM", CultureInfo.InvariantCulture));
    }

    public DateOnly FirstDay => DateOnly.FromDateTime(Start.UtcDateTime);

    public DateOnly LastDay => DateOnly.FromDateTime(End.UtcDateTime).AddDays(-1);

    public bool Contains(DateOnly day) => day >= FirstDay && day <= LastDay;
}
