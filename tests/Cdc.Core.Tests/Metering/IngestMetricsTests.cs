using System.Diagnostics.Metrics;
using Cdc.Core.Metering;

namespace Cdc.Core.Tests.Metering;

public sealed class IngestMetricsTests
{
    private sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    [Fact]
    public void Usage_records_become_measurements_with_the_budget_tags_as_attributes()
    {
        var pipeline = $"metrics-{Guid.NewGuid():N}";
        var start = new DateTimeOffset(2025, 6, 10, 8, 0, 0, TimeSpan.Zero);
        var run = MeteringTestKit.RunRecord(pipeline, "r1", start, gbSeconds: 10) with { End = start.AddSeconds(4) };
        var ingest = run with
        {
            Step = UsageStep.Ingest,
            Table = MeteringTestKit.Items,
            RowsApplied = new RowCounts(3, 2, 1),
            BytesRead = 500,
            LagSeconds = 7.5,
        };
        var measurements = new List<Measurement>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == IngestMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        void Collect(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags) map[tag.Key] = tag.Value;
            if (Equals(map.GetValueOrDefault("pipeline"), pipeline)) lock (measurements) measurements.Add(new Measurement(instrument.Name, value, map));
        }
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Collect(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Collect(i, v, t));
        listener.Start();
        using var metrics = new IngestMetrics();

        metrics.Record([run, ingest], []);

        measurements.Should().OnlyContain(m => Equals(m.Tags["tag.team"], "data-platform"));
        measurements.Where(m => m.Instrument == "ingest.rows").Select(m => ((string)m.Tags["operation"]!, m.Value, (string)m.Tags["table"]!, (string)m.Tags["stage"]!))
            .Should().BeEquivalentTo([("insert", 3.0, "public.items", "applied"), ("update", 2.0, "public.items", "applied"), ("delete", 1.0, "public.items", "applied")]);
        measurements.Should().ContainSingle(m => m.Instrument == "ingest.bytes").Which.Value.Should().Be(500);
        measurements.Should().ContainSingle(m => m.Instrument == "ingest.lag").Which.Should().BeEquivalentTo(new { Value = 7.5 });
        var duration = measurements.Should().ContainSingle(m => m.Instrument == "ingest.run.duration").Which;
        duration.Value.Should().Be(4);
        duration.Tags["outcome"].Should().Be("succeeded");
        measurements.Where(m => m.Instrument == "ingest.cost").Sum(m => m.Value).Should().BeApproximately((double)(run.Cost.Total + ingest.Cost.Total), 1e-12);
        measurements.Where(m => m.Instrument == "ingest.cost").Should().OnlyContain(m => Equals(m.Tags["currency"], "USD"));
    }
}
