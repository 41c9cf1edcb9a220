using Cdc.Core.Metering;
using Cdc.Core.Model;
using Cdc.Core.Runs;
using Cdc.Core.Staging;
using Cdc.Core.Targets;

namespace Cdc.Core.Tests.Metering;

/// <summary>Pins the event log schema: one line per event type, field names and order. Expected lines are written
/// with ' for " to stay readable.</summary>
public sealed class RunEventJsonTests
{
    private const string Run = "r1";
    private static readonly DateTimeOffset At = new(2025, 6, 10, 8, 0, 0, TimeSpan.Zero);
    private static readonly TableId Items = MeteringTestKit.Items;
    private static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string> { ["team"] = "data-platform" };

    private static IReadOnlyList<string> Lines(RunEvent e, IReadOnlyDictionary<TableId, long>? estimates = null) => RunEventJson.Lines(e, "orders", Tags, estimates);

    /// <summary>A whole line: the common head, the type's fields, the tags.</summary>
    private static string Line(string type, string fields) =>
        Q($"{{'schema_version':1,'type':'{type}','run_id':'r1','pipeline':'orders','at':'2025-06-10T08:00:00+00:00',{fields}{(fields.Length > 0 ? "," : "")}'tags':{{'team':'data-platform'}}}}");

    private static string Q(string text) => text.Replace('\'', '"');

    private const string Table = "'table':{'schema':'public','name':'items'}";

    [Fact]
    public void Run_started_and_finished()
    {
        Lines(new RunStarted(Run, At, "orders", RunTrigger.Schedule, [Items])).Should().Equal(
            Line("run_started", "'trigger':'schedule','tables':[{'schema':'public','name':'items'}]"));
        Lines(new RunFinished(Run, At, RunOutcome.PartiallyFailed)).Should().Equal(
            Line("run_finished", "'outcome':'partially_failed'"));
    }

    [Fact]
    public void A_snapshot_chunk_is_a_staged_batch_and_a_progress_report()
    {
        var chunk = new SnapshotChunkStaged(Run, At, Items, 1, 3, 1000, 3000, 4096, false);

        Lines(chunk, new Dictionary<TableId, long> { [Items] = 4000 }).Should().Equal(
            Line("batch_staged", Table + ",'sequence':3,'kind':'snapshot_chunk','rows':1000,'bytes':4096,'generation':1,'to_position':null"),
            Line("snapshot_progress", Table + ",'generation':1,'sequence':3,'rows_staged':3000,'estimated_rows':4000,'percent':75,'final':false"));
        Lines(chunk)[1].Should().Contain(Q("'estimated_rows':null,'percent':null,"));
        Lines(chunk with { TotalRows = 5000 }, new Dictionary<TableId, long> { [Items] = 4000 })[1].Should().Contain(Q("'percent':99.9,"));
        Lines(chunk with { Final = true })[1].Should().Contain(Q("'percent':100,'final':true"));
    }

    [Fact]
    public void Change_batches_schema_changes_and_retention_gaps()
    {
        Lines(new ChangesStaged(Run, At, Items, 7, 25, 800, "0/16B3748")).Should().Equal(
            Line("batch_staged", Table + ",'sequence':7,'kind':'changes','rows':25,'bytes':800,'generation':null,'to_position':'0/16B3748'"));
        Lines(new SchemaChanged(Run, At, Items, 8, ["email"], [], ["name"])).Should().Equal(
            Line("schema_changed", Table + ",'sequence':8,'added_columns':['email'],'dropped_columns':[],'changed_columns':['name']"));
        Lines(new RetentionGap(Run, At, Items, "slot lost")).Should().Equal(
            Line("retention_gap", Table + ",'reason':'slot lost'"));
    }

    [Fact]
    public void Applied_batches_failures_and_budget_alerts()
    {
        var flow = new IngestFlow("orders", Items, "mirror", "items_history", 2, false);
        Lines(new BatchApplied(Run, At, flow, 9, BatchKind.Changes, new ApplyResult(10, 4, 5, 1))).Should().Equal(
            Line("batch_applied", Table + ",'target':{'schema':'mirror','name':'items_history'},'sequence':9,'kind':'changes','rows_read':10,'inserted':4,'updated':5,'deleted':1"));
        Lines(new TableFailed(Run, At, Items, "ingest into mirror.items", "no room")).Should().Equal(
            Line("table_failed", Table + ",'step':'ingest into mirror.items','error':'no room'"));
        Lines(new TableFailed(Run, At, Items, "gateway", "say \"hi\""))[0].Should().Contain("\"error\":\"say \\\"hi\\\"\"");

        var alert = new BudgetAlert
        {
            Budget = "team", Period = BudgetPeriod.Day, PeriodKey = "2025-06-10", PeriodStart = At, PeriodEnd = At.AddDays(1), ThresholdPercent = 80,
            Amount = 2m, Spend = 1.7m, Currency = "USD", Enforced = false, Pipeline = "orders", RunId = Run, At = At,
            Filter = new Dictionary<string, string>(), Tags = Tags,
        };
        Lines(new BudgetAlertRaised(Run, At, alert)).Should().Equal(
            Line("budget_alert", "'budget':'team','period':'day','period_key':'2025-06-10','threshold_percent':80,'amount':2,'spend':1.7,'currency':'USD','enforced':false"));
    }

    [Fact]
    public void An_event_type_added_later_still_gets_a_line_with_the_common_fields()
    {
        Lines(new FutureEvent(Run, At)).Should().Equal(Line("future_event", ""));
    }

    private sealed record FutureEvent(string RunId, DateTimeOffset At) : RunEvent(RunId, At);
}
