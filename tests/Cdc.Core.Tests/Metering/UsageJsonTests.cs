using Cdc.Core.Metering;
using Cdc.Core.Runs;

namespace Cdc.Core.Tests.Metering;

/// <summary>Pins the JSON the ledger stores and Event Hubs receives: consumers parse these names.</summary>
public sealed class UsageJsonTests
{
    private static readonly DateTimeOffset At = new(2025, 6, 10, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_usage_record_serializes_to_the_documented_schema()
    {
        var record = new UsageRecord
        {
            Pipeline = "orders",
            RunId = "20250610T080000-abcd1234",
            Trigger = RunTrigger.BlobArrival,
            Step = UsageStep.Ingest,
            Table = MeteringTestKit.Items,
            Start = At,
            End = At.AddSeconds(3),
            Outcome = "succeeded",
            RowsRead = new RowCounts(5, 2, 1),
            RowsStaged = RowCounts.Zero,
            RowsApplied = new RowCounts(4, 2, 1),
            BytesRead = 900,
            StorageOperations = new StorageOperations(1, 4, 2, 0, 120, 950),
            TargetRoundTrips = 3,
            ComputeSeconds = 2.5,
            CpuSeconds = 0.75,
            MemoryMb = 2048,
            MemoryGbSeconds = 5,
            LagSeconds = 12.5,
            Cost = new CostEstimate("USD", 0.00013m, [new CostLine(Skus.FunctionsExecutionTime, 5m, "GB-second", 0.000026m, 1m, 0.00013m)]),
            Tags = new Dictionary<string, string> { ["cost_center"] = "4711", ["team"] = "data-platform" },
        };

        var json = UsageJson.Serialize(record);

        json.Should().Be(Q(
            "{'record_type':'usage','schema_version':1,'pipeline':'orders','run_id':'20250610T080000-abcd1234','trigger':'blob_arrival','step':'ingest'," +
            "'table':{'schema':'public','name':'items'},'start':'2025-06-10T08:00:00+00:00','end':'2025-06-10T08:00:03+00:00','outcome':'succeeded'," +
            "'rows_read':{'inserts':5,'updates':2,'deletes':1,'total':8},'rows_staged':{'inserts':0,'updates':0,'deletes':0,'total':0}," +
            "'rows_applied':{'inserts':4,'updates':2,'deletes':1,'total':7},'bytes_read':900,'bytes_staged':0,'files_staged':0," +
            "'storage_operations':{'writes':1,'reads':4,'lists':2,'deletes':0,'bytes_written':120,'bytes_read':950,'total':7}," +
            "'source_round_trips':0,'target_round_trips':3,'compute_seconds':2.5,'cpu_seconds':0.75,'memory_mb':2048,'memory_gb_seconds':5," +
            "'executions':0,'lag_seconds':12.5,'cost':{'currency':'USD','total':0.00013,'lines':[{'sku':'functions.flex.on_demand.execution_time'," +
            "'quantity':5,'unit':'GB-second','unit_price':0.000026,'per':1,'amount':0.00013}]},'tags':{'cost_center':'4711','team':'data-platform'}}"));
        UsageJson.DeserializeRecord(json).Should().BeEquivalentTo(record);
    }

    [Fact]
    public void Event_bodies_are_the_records_then_the_alerts()
    {
        var record = MeteringTestKit.RunRecord("orders", "r1", At, gbSeconds: 1);
        var alert = new BudgetAlert
        {
            Budget = "team",
            Period = BudgetPeriod.Month,
            PeriodKey = "2025-06",
            PeriodStart = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero),
            PeriodEnd = new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero),
            ThresholdPercent = 80,
            Amount = 10m,
            Spend = 8.5m,
            Currency = "USD",
            Enforced = true,
            Pipeline = "orders",
            RunId = "r1",
            At = At,
            Filter = new Dictionary<string, string> { ["team"] = "data-platform" },
            Tags = MeteringTestKit.TeamTags,
        };

        var bodies = UsageJson.EventBodies([record], [alert]);

        bodies.Should().HaveCount(2);
        bodies[0].Should().StartWith(Q("{'record_type':'usage',"));
        bodies[1].Should().Be(Q(
            "{'record_type':'budget_alert','schema_version':1,'budget':'team','period':'month','period_key':'2025-06'," +
            "'period_start':'2025-06-01T00:00:00+00:00','period_end':'2025-07-01T00:00:00+00:00','threshold_percent':80,'amount':10,'spend':8.5," +
            "'currency':'USD','enforced':true,'pipeline':'orders','run_id':'r1','at':'2025-06-10T08:00:00+00:00','filter':{'team':'data-platform'}," +
            "'tags':{'team':'data-platform'},'message':'Budget `team` reached 80% in month 2025-06: 8.50 of 10.00 USD spent'}").Replace('`', '\''));
        UsageJson.DeserializeAlert(bodies[1]).Should().BeEquivalentTo(alert);

        var (records, alerts) = UsageJson.ReadEventBodies(bodies.Reverse());
        records.Should().ContainSingle().Which.Should().BeEquivalentTo(record);
        alerts.Should().ContainSingle().Which.Should().BeEquivalentTo(alert);
    }

    private static string Q(string text) => text.Replace('\'', '"');
}
