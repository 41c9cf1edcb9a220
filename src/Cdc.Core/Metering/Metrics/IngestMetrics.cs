using System.Diagnostics.Metrics;

namespace Cdc.Core.Metering;

/// <summary>
/// OpenTelemetry-ready instruments under the meter <see cref="MeterName"/>, recorded from each run's usage records:
/// <list type="bullet">
/// <item><c>ingest.rows</c> (counter, {row}): stage read|staged|applied, operation insert|update|delete;</item>
/// <item><c>ingest.bytes</c> (counter, By): stage read|staged;</item>
/// <item><c>ingest.run.duration</c> (histogram, s): per run, with trigger and outcome;</item>
/// <item><c>ingest.cost</c> (counter, estimated cost in the price list's currency): with currency;</item>
/// <item><c>ingest.lag</c> (gauge, s): per table after its ingest step;</item>
/// <item><c>ingest.budget.alerts</c> (counter, {alert}): budget, threshold_percent.</item>
/// </list>
/// Every measurement carries pipeline (and table and step where they apply) and each budget tag as
/// <c>tag.&lt;key&gt;</c>. Hosts export the meter with OpenTelemetry's <c>AddMeter("Ingest")</c>.
/// </summary>
public sealed class IngestMetrics : IDisposable
{
    public const string MeterName = "Ingest";

    private readonly Meter _meter;
    private readonly Counter<long> _rows;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _duration;
    private readonly Counter<double> _cost;
    private readonly Gauge<double> _lag;
    private readonly Counter<long> _alerts;

    public IngestMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _rows = _meter.CreateCounter<long>("ingest.rows", "{row}", "Rows read, staged and applied, by operation.");
        _bytes = _meter.CreateCounter<long>("ingest.bytes", "By", "Bytes read and staged.");
        _duration = _meter.CreateHistogram<double>("ingest.run.duration", "s", "Wall-clock duration of runs.");
        _cost = _meter.CreateCounter<double>("ingest.cost", "{cost}", "Estimated cost from the price list, in its currency.");
        _lag = _meter.CreateGauge<double>("ingest.lag", "s", "Seconds from the source commit of the newest applied change to the end of its apply.");
        _alerts = _meter.CreateCounter<long>("ingest.budget.alerts", "{alert}", "Budget threshold alerts raised.");
    }

    /// <summary>One instance for hosts without dependency injection (the CLI).</summary>
    public static IngestMetrics Shared { get; } = new();

    public void Record(IReadOnlyList<UsageRecord> records, IReadOnlyList<BudgetAlert> alerts)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(alerts);
        foreach (var record in records)
        {
            var tags = Attributes(record);
            Rows(tags, "read", record.RowsRead);
            Rows(tags, "staged", record.RowsStaged);
            Rows(tags, "applied", record.RowsApplied);
            if (record.BytesRead > 0) _bytes.Add(record.BytesRead, [.. tags, new("stage", "read")]);
            if (record.BytesStaged > 0) _bytes.Add(record.BytesStaged, [.. tags, new("stage", "staged")]);
            _cost.Add((double)record.Cost.Total, [.. tags, new("currency", record.Cost.Currency)]);
            if (record.LagSeconds is { } lag) _lag.Record(lag, tags);
            if (record.Step == UsageStep.Run)
                _duration.Record((record.End - record.Start).TotalSeconds, [.. tags, new("trigger", Word(record.Trigger)), new("outcome", record.Outcome)]);
        }
        foreach (var alert in alerts)
        {
            KeyValuePair<string, object?>[] tags = [new("pipeline", alert.Pipeline), new("budget", alert.Budget), new("threshold_percent", alert.ThresholdPercent), .. Tagged(alert.Tags)];
            _alerts.Add(1, tags);
        }
    }

    public void Dispose() => _meter.Dispose();

    private void Rows(KeyValuePair<string, object?>[] tags, string stage, RowCounts rows)
    {
        if (rows.Inserts > 0) _rows.Add(rows.Inserts, [.. tags, new("stage", stage), new("operation", "insert")]);
        if (rows.Updates > 0) _rows.Add(rows.Updates, [.. tags, new("stage", stage), new("operation", "update")]);
        if (rows.Deletes > 0) _rows.Add(rows.Deletes, [.. tags, new("stage", stage), new("operation", "delete")]);
    }

    private static KeyValuePair<string, object?>[] Attributes(UsageRecord record)
    {
        var attributes = new List<KeyValuePair<string, object?>> { new("pipeline", record.Pipeline), new("step", Word(record.Step)) };
        if (record.Table is { } table) attributes.Add(new("table", table.ToString()));
        attributes.AddRange(Tagged(record.Tags));
        return [.. attributes];
    }

    private static IEnumerable<KeyValuePair<string, object?>> Tagged(IReadOnlyDictionary<string, string> tags) =>
        tags.Select(t => new KeyValuePair<string, object?>("tag." + t.Key, t.Value));

    private static string Word<T>(T value)
        where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
