using System.Globalization;

namespace Cdc.Core.Metering;

/// <summary>How <c>ingest usage --by</c> groups records: pipeline, table, day, run, or <c>tag:KEY</c>.</summary>
public sealed record UsageGrouping(string Kind, string? TagKey = null)
{
    public static UsageGrouping Pipeline { get; } = new("pipeline");

    public const string Choices = "pipeline, table, day, run or tag:KEY";

    /// <exception cref="ArgumentException">The text is none of the choices; the message lists them.</exception>
    public static UsageGrouping Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        if (value.StartsWith("tag:", StringComparison.OrdinalIgnoreCase))
        {
            var key = value[4..].Trim();
            if (key.Length == 0) throw new ArgumentException($"'{text}' names no tag: use tag:KEY, e.g. tag:team.");
            return new UsageGrouping("tag", key);
        }
        var kind = value.ToLowerInvariant();
        return kind is "pipeline" or "table" or "day" or "run"
            ? new UsageGrouping(kind)
            : throw new ArgumentException($"'{text}' is not a grouping; use {Choices}.");
    }

    public string Describe() => TagKey is null ? Kind : $"tag:{TagKey}";

    /// <summary>The group a record falls in. Table grouping puts run records (no table) in "(run)"; a tag grouping
    /// puts records without the tag in "(untagged)".</summary>
    public string GroupOf(UsageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Kind switch
        {
            "table" => record.Table?.ToString() ?? "(run)",
            "day" => record.Start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "run" => record.RunId,
            "tag" => record.Tags.FirstOrDefault(t => t.Key.Equals(TagKey, StringComparison.OrdinalIgnoreCase)).Value ?? "(untagged)",
            _ => record.Pipeline,
        };
    }
}

/// <summary>One line of <c>ingest usage</c>: the sums of a group's records.</summary>
public sealed record UsageSummaryRow(
    string Group,
    int Runs,
    RowCounts RowsRead,
    RowCounts RowsStaged,
    RowCounts RowsApplied,
    long BytesStaged,
    double ComputeSeconds,
    double MemoryGbSeconds,
    long StorageOperations,
    decimal Cost,
    string Currency);

public static class UsageQuery
{
    /// <summary>One row per group in group order, then a "total" row over all records.</summary>
    public static IReadOnlyList<UsageSummaryRow> Summarize(IEnumerable<UsageRecord> records, UsageGrouping grouping)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(grouping);
        var all = records.ToList();
        var rows = all.GroupBy(grouping.GroupOf, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Sum(g.Key, g.ToList()))
            .ToList();
        rows.Add(Sum("total", all));
        return rows;
    }

    private static UsageSummaryRow Sum(string group, List<UsageRecord> records) => new(
        group,
        records.Select(r => (r.Pipeline, r.RunId)).Distinct().Count(),
        records.Aggregate(RowCounts.Zero, (sum, r) => sum.Add(r.RowsRead)),
        records.Aggregate(RowCounts.Zero, (sum, r) => sum.Add(r.RowsStaged)),
        records.Aggregate(RowCounts.Zero, (sum, r) => sum.Add(r.RowsApplied)),
        records.Sum(r => r.BytesStaged),
        records.Sum(r => r.ComputeSeconds),
        records.Sum(r => r.MemoryGbSeconds),
        records.Sum(r => r.StorageOperations.Total),
        records.Sum(r => r.Cost.Total),
        records.FirstOrDefault()?.Cost.Currency ?? "");
}
