using Cdc.Core.Metering;
using Cdc.Core.Orchestration;
using Cdc.Core.Runs;
using Cdc.Core.State;

namespace Cdc.Core.Tests.Orchestration;

/// <summary>The orchestration over a scripted context: which activities it calls, in what order, how many at once,
/// and what it makes of their failures.</summary>
public sealed class PipelineOrchestrationTests
{
    private static readonly string[] Five = ["public.a", "public.b", "public.c", "public.d", "public.e"];

    [Fact]
    public async Task A_run_plans_snapshots_captures_ingests_finishes_and_notifies_in_that_order()
    {
        var context = new ScriptedContext(Scripted.Answers(Scripted.Plan(["public.a", "public.b"], snapshot: ["public.b"])));

        var summary = await PipelineOrchestration.RunAsync(context, Scripted.Input());

        context.Calls.Select(c => c.Activity).Should().Equal(
            ActivityNames.Plan, ActivityNames.Snapshot, ActivityNames.Capture, ActivityNames.Ingest, ActivityNames.Ingest, ActivityNames.Finish, ActivityNames.Notify);
        ((TableStepInput)context.CallsOf(ActivityNames.Snapshot)[0].Input).Should().Be(new TableStepInput("orch", "run-1", "public.b", 600));
        ((CaptureStepInput)context.CallsOf(ActivityNames.Capture)[0].Input).Tables.Should().Equal("public.a", "public.b");
        context.Retries.Should().OnlyContain(r => r == PipelineOrchestration.Retry);
        summary.Outcome.Should().Be(RunSummaryOutcome.Succeeded);
        summary.Run!.Tables.Select(t => t.RowsStaged).Should().Equal(2, 12);
        var finish = (FinishRunInput)context.CallsOf(ActivityNames.Finish)[0].Input;
        finish.ReleaseLease.Should().BeTrue();
        finish.RequestedAt.Should().Be(context.CurrentUtcDateTime);
        context.CallsOf(ActivityNames.Notify)[0].Input.Should().Be(summary);
    }

    [Fact]
    public async Task Snapshots_and_ingests_start_in_table_order_with_at_most_the_parallelism_in_flight()
    {
        var pending = new Dictionary<string, TaskCompletionSource<object?>>();
        var context = new ScriptedContext(Scripted.Answers(Scripted.Plan(Five, parallelism: 2), call =>
        {
            if (call.Activity != ActivityNames.Snapshot) return null;
            var done = new TaskCompletionSource<object?>();
            lock (pending) pending[((TableStepInput)call.Input).Table] = done;
            return done.Task;
        }));

        var run = PipelineOrchestration.RunAsync(context, Scripted.Input());
        await context.WaitForCallsAsync(3);
        Snapshots(context).Should().Equal("public.a", "public.b");

        // Whatever ends first, the next table in order starts, and never a third at once.
        foreach (var (finish, started) in new[] { ("public.b", "public.c"), ("public.a", "public.d"), ("public.d", "public.e") })
        {
            var calls = context.Calls.Count + 1;
            Complete(pending, finish);
            await context.WaitForCallsAsync(calls);
            Snapshots(context)[^1].Should().Be(started);
            Snapshots(context).Should().HaveCount(Array.IndexOf(Five, started) + 1);
        }
        Complete(pending, "public.c");
        Complete(pending, "public.e");
        var summary = await run;

        Snapshots(context).Should().Equal(Five);
        context.MaxInFlight(ActivityNames.Snapshot).Should().Be(2);
        context.CallsOf(ActivityNames.Ingest).Select(c => ((TableStepInput)c.Input).Table).Should().Equal(Five);
        context.MaxInFlight(ActivityNames.Ingest).Should().BeLessThanOrEqualTo(2);
        summary.Outcome.Should().Be(RunSummaryOutcome.Succeeded);
    }

    [Fact]
    public async Task A_table_whose_activity_fails_every_attempt_fails_alone_and_the_run_ends_partially_failed_naming_it()
    {
        var context = new ScriptedContext(Scripted.Answers(Scripted.Plan(["public.a", "public.b", "public.c"]), call =>
            call.Activity == ActivityNames.Snapshot && ((TableStepInput)call.Input).Table == "public.b"
                ? Task.FromException<object?>(Scripted.Failure<StepFailedException>(ActivityNames.Snapshot, "gateway: chunk read failed"))
                : null));

        var summary = await PipelineOrchestration.RunAsync(context, Scripted.Input());

        context.CallsOf(ActivityNames.Capture).Should().ContainSingle("the other tables' changes are still captured");
        context.CallsOf(ActivityNames.Ingest).Select(c => ((TableStepInput)c.Input).Table).Should().Equal("public.a", "public.b", "public.c");
        summary.Outcome.Should().Be(RunSummaryOutcome.PartiallyFailed);
        summary.FailedTables.Should().Equal("public.b");
        summary.Run!.Tables.Single(t => t.Table.Name == "b").Error.Should().Be("gateway: chunk read failed");
        summary.Run.Tables.Where(t => t.Table.Name != "b").Should().OnlyContain(t => !t.Failed && t.Flows.Single().Applied.Inserted == 10);
    }

    [Fact]
    public async Task A_failed_ingest_marks_the_tables_flows_failed_and_capture_failing_fails_every_table()
    {
        var context = new ScriptedContext(Scripted.Answers(Scripted.Plan(["public.a", "public.b"]), call => call.Activity switch
        {
            ActivityNames.Ingest when ((TableStepInput)call.Input).Table == "public.a" =>
                Task.FromException<object?>(Scripted.Failure<StepFailedException>(ActivityNames.Ingest, "ingest into mirror.a: boom")),
            ActivityNames.Capture => Task.FromException<object?>(Scripted.Failure<StepFailedException>(ActivityNames.Capture, "gateway (change capture): stream ended")),
            _ => null,
        }));

        var summary = await PipelineOrchestration.RunAsync(context, Scripted.Input());

        summary.Outcome.Should().Be(RunSummaryOutcome.Failed);
        var a = summary.Run!.Tables.Single(t => t.Table.Name == "a");
        a.Flows.Should().ContainSingle().Which.Error.Should().Be("ingest into mirror.a: boom");
        a.Error.Should().Be("gateway (change capture): stream ended");
        summary.Run.Tables.Single(t => t.Table.Name == "b").Flows.Single().Error.Should().BeNull();
    }

    [Fact]
    public async Task A_repair_plan_applies_only_its_tables_while_every_table_is_still_captured()
    {
        var context = new ScriptedContext(Scripted.Answers(Scripted.Plan(["public.a", "public.b", "public.c"], snapshot: [], ingest: ["public.b"])));

        var summary = await PipelineOrchestration.RunAsync(context, Scripted.Input() with { Trigger = RunTrigger.Repair, RepairOf = "run-0" });

        context.CallsOf(ActivityNames.Snapshot).Should().BeEmpty();
        ((CaptureStepInput)context.CallsOf(ActivityNames.Capture).Single().Input).Tables.Should().HaveCount(3);
        context.CallsOf(ActivityNames.Ingest).Select(c => ((TableStepInput)c.Input).Table).Should().Equal("public.b");
        summary.Outcome.Should().Be(RunSummaryOutcome.Succeeded);
        summary.Run!.Tables.Where(t => t.Table.Name != "b").Should().OnlyContain(t => t.Flows.Count == 0);
    }

    [Fact]
    public async Task An_overlapping_run_is_refused_with_the_holder_named_and_nothing_else_runs()
    {
        const string busy = "Pipeline 'orch' is already running: run run-0 on host (pid 1) holds its lease since 2026-03-01 11:59:00Z (until 2026-03-01 12:09:00Z unless renewed).";
        var context = new ScriptedContext(Scripted.Answers(Scripted.Plan(["public.a"]), call =>
            call.Activity == ActivityNames.Plan ? Task.FromException<object?>(Scripted.Failure<PipelineBusyException>(ActivityNames.Plan, busy)) : null));

        var summary = await PipelineOrchestration.RunAsync(context, Scripted.Input());

        summary.Outcome.Should().Be(RunSummaryOutcome.Refused);
        summary.Error.Should().Be(busy);
        summary.Run.Should().BeNull();
        context.Calls.Select(c => c.Activity).Should().Equal(ActivityNames.Plan, ActivityNames.Notify);
        PipelineOrchestration.Retry.Retries(typeof(PipelineBusyException).FullName!).Should().BeFalse("a refusal is final");
        PipelineOrchestration.Retry.Retries(typeof(BudgetExceededException).FullName!).Should().BeFalse();
        PipelineOrchestration.Retry.Retries(typeof(StepFailedException).FullName!).Should().BeTrue();
    }

    [Fact]
    public async Task A_plan_that_fails_fails_the_run_and_finishing_still_releases_the_lease()
    {
        var context = new ScriptedContext(Scripted.Answers(Scripted.Plan(["public.a"]), call =>
            call.Activity == ActivityNames.Plan ? Task.FromException<object?>(Scripted.Failure<InvalidOperationException>(ActivityNames.Plan, "catalog unreachable")) : null));

        var summary = await PipelineOrchestration.RunAsync(context, Scripted.Input());

        context.Calls.Select(c => c.Activity).Should().Equal(ActivityNames.Plan, ActivityNames.Finish, ActivityNames.Notify);
        var finish = (FinishRunInput)context.CallsOf(ActivityNames.Finish)[0].Input;
        finish.ReleaseLease.Should().BeTrue();
        finish.Error.Should().Be("Planning the run failed: catalog unreachable");
        summary.Outcome.Should().Be(RunSummaryOutcome.Failed);
        summary.Error.Should().Be("Planning the run failed: catalog unreachable");
    }

    [Fact]
    public async Task A_plan_that_failed_to_prepare_the_source_skips_reading_but_still_applies()
    {
        var context = new ScriptedContext(Scripted.Answers(Scripted.Plan(["public.a"], snapshot: [], capture: false, failed: [new TableError("public.a", "gateway: source unreachable")])));

        var summary = await PipelineOrchestration.RunAsync(context, Scripted.Input());

        context.Calls.Select(c => c.Activity).Should().Equal(ActivityNames.Plan, ActivityNames.Ingest, ActivityNames.Finish, ActivityNames.Notify);
        summary.Outcome.Should().Be(RunSummaryOutcome.Failed);
        summary.Run!.Tables.Single().Error.Should().Be("gateway: source unreachable");
    }

    [Fact]
    public async Task A_failing_notification_changes_nothing_but_a_failing_finish_fails_the_orchestration()
    {
        var notifyFails = new ScriptedContext(Scripted.Answers(Scripted.Plan(["public.a"]), call =>
            call.Activity == ActivityNames.Notify ? Task.FromException<object?>(Scripted.Failure<IOException>(ActivityNames.Notify, "mail down")) : null));
        (await PipelineOrchestration.RunAsync(notifyFails, Scripted.Input())).Outcome.Should().Be(RunSummaryOutcome.Succeeded);

        var finishFails = new ScriptedContext(Scripted.Answers(Scripted.Plan(["public.a"]), call =>
            call.Activity == ActivityNames.Finish ? Task.FromException<object?>(Scripted.Failure<IOException>(ActivityNames.Finish, "store down")) : null));
        var act = () => PipelineOrchestration.RunAsync(finishFails, Scripted.Input());
        (await act.Should().ThrowAsync<ActivityFailedException>()).Which.Message.Should().Be("store down");
    }

    [Fact]
    public async Task A_table_ingest_runs_one_ingest_then_finishes_as_a_blob_arrival_run_without_the_lease()
    {
        var context = new ScriptedContext(Scripted.Answers(Scripted.Plan([])));

        var summary = await PipelineOrchestration.IngestTableAsync(context, new TableIngestInput("orch", "blob-1", "public.b"));

        context.Calls.Select(c => c.Activity).Should().Equal(ActivityNames.Ingest, ActivityNames.Finish, ActivityNames.Notify);
        ((TableStepInput)context.Calls[0].Input).LeaseSeconds.Should().Be(0);
        var finish = (FinishRunInput)context.Calls[1].Input;
        finish.Should().Match<FinishRunInput>(f => f.Trigger == RunTrigger.BlobArrival && !f.ReleaseLease && f.Plan == null && f.Tables.Single() == "public.b");
        summary.Outcome.Should().Be(RunSummaryOutcome.Succeeded);
        summary.Trigger.Should().Be(RunTrigger.BlobArrival);
    }

    [Fact]
    public async Task A_table_ingest_refused_by_a_spent_budget_ends_refused()
    {
        var context = new ScriptedContext(Scripted.Answers(Scripted.Plan([]), call =>
            Task.FromException<object?>(Scripted.Failure<BudgetExceededException>(ActivityNames.Ingest, "Run of pipeline 'orch' refused: budget spent"))));

        var summary = await PipelineOrchestration.IngestTableAsync(context, new TableIngestInput("orch", "blob-1", "public.b"));

        summary.Outcome.Should().Be(RunSummaryOutcome.Refused);
        summary.Error.Should().StartWith("Run of pipeline 'orch' refused");
        context.Calls.Select(c => c.Activity).Should().Equal(ActivityNames.Ingest, ActivityNames.Notify);
    }

    [Fact]
    public async Task Replayed_over_its_own_history_the_orchestration_makes_the_same_calls()
    {
        // Activities end in whatever order the thread pool gives them, one of them failing.
        var recording = new ScriptedContext(Scripted.Answers(Scripted.Plan(Five, parallelism: 3), call =>
            call.Activity is ActivityNames.Snapshot or ActivityNames.Ingest
                ? Task.Run<object?>(async () =>
                {
                    await Task.Yield();
                    var table = ((TableStepInput)call.Input).Table;
                    if (call.Activity == ActivityNames.Ingest && table == "public.d")
                        throw Scripted.Failure<StepFailedException>(ActivityNames.Ingest, "ingest into mirror.d: boom");
                    return call.Activity == ActivityNames.Snapshot ? Scripted.Staged(table) : Scripted.Applied(table);
                })
                : null));
        var recorded = await PipelineOrchestration.RunAsync(recording, Scripted.Input());

        var first = new ReplayContext(recording.Calls, recording.Outcomes, recording.CurrentUtcDateTime);
        var replayed = await PipelineOrchestration.RunAsync(first, Scripted.Input());
        var second = new ReplayContext(recording.Calls, recording.Outcomes, recording.CurrentUtcDateTime);
        await PipelineOrchestration.RunAsync(second, Scripted.Input());

        first.Calls.Should().Equal(recording.Calls.Select(c => c.ToString()));
        second.Calls.Should().Equal(first.Calls);
        replayed.Should().BeSameAs(recorded, "the summary is FinishRun's recorded result");
        recorded.FailedTables.Should().Equal("public.d");
    }

    private static List<string> Snapshots(ScriptedContext context) => [.. context.CallsOf(ActivityNames.Snapshot).Select(c => ((TableStepInput)c.Input).Table)];

    private static void Complete(Dictionary<string, TaskCompletionSource<object?>> pending, string table)
    {
        TaskCompletionSource<object?> done;
        lock (pending) done = pending[table];
        done.SetResult(Scripted.Staged(table));
    }
}
