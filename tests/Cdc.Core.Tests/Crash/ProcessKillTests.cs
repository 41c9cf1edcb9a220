using System.Diagnostics;
using Cdc.Core.Tests.Cli;
using Cdc.Core.Tests.EndToEnd;
using Cdc.Core.Tests.Fixtures;

namespace Cdc.Core.Tests.Crash;

/// <summary>
/// Kills real <c>ingest run</c> processes (SIGKILL, no clean-up of any kind) at different moments of a snapshot and of
/// change runs; after each kill, once the dead run's lease has expired, the next run converges to the source.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ProcessKillTests(PostgresFixture postgres)
{
    private const int LeaseSeconds = 3;

    [Fact]
    public async Task Killed_cli_runs_leave_nothing_the_next_run_cannot_finish()
    {
        await using var harness = await PipelineHarness.CreateAsync(postgres, seed: 1234);
        await harness.Workload.RunRoundAsync(inserts: 3000, updates: 0, deletes: 0, keyChanges: 0);
        var file = await WritePipelineFileAsync(harness);
        var environment = new Dictionary<string, string> { ["KILL_SOURCE"] = harness.Source, ["KILL_TARGET"] = harness.Target };
        var interrupted = 0;

        // Each kill waits for a progress line that proves the run is working, then for a few more milliseconds.
        (string Marker, int ExtraMs)[] kills = [("snapshot", 0), ("changes", 0), ("applied", 0), ("changes", 40), ("snapshot", 150)];
        foreach (var (marker, extra) in kills)
        {
            await harness.Workload.RunRoundAsync(inserts: 400, updates: 300, deletes: 60, keyChanges: 10);
            var refresh = marker == "snapshot" && interrupted > 0;
            if (await RunAndKillAsync(file, environment, marker, TimeSpan.FromMilliseconds(extra), refresh)) interrupted++;
            await Task.Delay(TimeSpan.FromSeconds(LeaseSeconds + 1));

            var recovery = await IngestProcess.RunAsync(["run", file, "--lease-seconds", $"{LeaseSeconds}"], environment);
            var when = $"a run killed {extra} ms after its first '{marker}' line";
            recovery.ExitCode.Should().Be(0, $"the run after {when} should succeed: {recovery.Output}{recovery.Error}");
            await harness.AssertConvergedAsync($"after {when}");
        }
        interrupted.Should().BeGreaterThanOrEqualTo(4, "kills follow a progress line, so they land while a run is working");
    }

    /// <returns>True when the process was still running and was killed.</returns>
    private static async Task<bool> RunAndKillAsync(string file, IReadOnlyDictionary<string, string> environment, string marker, TimeSpan extra, bool fullRefresh)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] arguments = [Path.Combine(AppContext.BaseDirectory, "ingest.dll"), "run", file, "--lease-seconds", $"{LeaseSeconds}"];
        if (fullRefresh) arguments = [.. arguments, "--full-refresh", "select.\"Order Details\""];
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
                if (line.Contains(marker, StringComparison.Ordinal)) seen.TrySetResult();
            seen.TrySetResult();
        });
        await seen.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await Task.Delay(extra);
        var killed = !process.HasExited;
        if (killed) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        return killed;
    }

    private static async Task<string> WritePipelineFileAsync(PipelineHarness harness)
    {
        var pipeline = harness.Pipeline;
        var objects = string.Join("\n", pipeline.Objects.Select(o =>
            $"  - schema: '{o.Schema}'\n    table: '{o.Table!.Replace("'", "''", StringComparison.Ordinal)}'" +
            (o.ScdType is { } scd ? $"\n    scd_type: {scd}" : "") +
            (o.DestinationTable is { } destination ? $"\n    destination_table: '{destination}'" : "")));
        var file = Path.Combine(pipeline.Staging.Location, "..", $"kill-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, $$"""
            name: kill-test
            source:
              kind: postgres
              connection: ${env:KILL_SOURCE}
              slot: {{pipeline.Source.Slot}}
              publication: {{pipeline.Source.Publication}}
            objects:
            {{objects}}
            staging:
              location: '{{pipeline.Staging.Location}}'
            destination:
              kind: postgres
              connection: ${env:KILL_TARGET}
              schema: {{PipelineHarness.TargetSchema}}
            run:
              parallelism: 2
              snapshot_chunk_rows: 1000
              max_batch_rows: 1000
            """);
        return file;
    }
}
