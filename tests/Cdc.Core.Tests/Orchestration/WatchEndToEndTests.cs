using System.Diagnostics;
using System.Text;
using Cdc.Core.Orchestration;
using Cdc.Core.Runs;
using Cdc.Core.Tests.Fixtures;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cdc.Core.Tests.Orchestration;

/// <summary>
/// <c>ingest watch</c> against real PostgreSQL source and target databases, staging in a local folder: in process
/// through <see cref="WatchLoop"/> with the real orchestration, and as the CLI stopped with Ctrl+C (SIGINT). Waits
/// here are bounded only so a broken watch fails instead of hanging; nothing asserts how long anything took.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WatchEndToEndTests(PostgresFixture postgres) : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private readonly string _folder = Directory.CreateTempSubdirectory("ingest-watch-e2e-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Watching_runs_the_schedule_and_ingests_batches_another_gateway_staged()
    {
        var source = await postgres.NewDatabaseAsync("watchsrc");
        var target = await postgres.NewDatabaseAsync("watchtgt");
        await ExecuteAsync(source, """
            CREATE TABLE public.customers (id int PRIMARY KEY, name text);
            INSERT INTO public.customers SELECT g, 'customer ' || g FROM generate_series(1, 20) g;
            CREATE TABLE public.orders (id int PRIMARY KEY, amount numeric);
            INSERT INTO public.orders SELECT g, g * 1.5 FROM generate_series(1, 30) g;
            """);
        var pipelines = Path.Combine(_folder, "pipelines");
        Directory.CreateDirectory(pipelines);
        WritePipeline(pipelines, "scheduled", "customers", "2s");
        WritePipeline(pipelines, "arrivals", "orders", schedule: null);
        string? Environment(string name) => name switch { "WATCH_SOURCE" => source, "WATCH_TARGET" => target, _ => null };

        var catalog = new FolderPipelineCatalog(pipelines, Environment);
        var watchLog = new WatchListLogger<WatchLoop>();
        using var loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Warning));
        var activities = new PipelineActivities(catalog, loggers, TimeProvider.System);
        var loop = new WatchLoop(await catalog.ListAsync(CancellationToken.None), new WatchOrchestrationRunner(activities, TimeProvider.System),
            new WatchStagingCommitPoller(), TimeProvider.System, watchLog, new WatchOptions { PollInterval = TimeSpan.FromMilliseconds(250) });
        using var stop = new CancellationTokenSource();
        using var abort = new CancellationTokenSource(HangGuard);
        var watching = loop.RunAsync(stop.Token, abort.Token);

        // The schedule: the scheduled pipeline snapshots its table into the target.
        await WaitUntilAsync(() => Task.FromResult(watchLog.Entries.Any(e => e.EventId is 6052 or 6053)));
        watchLog.Entries.Should().Contain(e => e.EventId == 6052 && e.Message.Contains("scheduled: run") && e.Message.Contains("finished Succeeded"));
        (await CountAsync(target, "mirror_scheduled.customers")).Should().Be(20);

        // Blob arrival: a gateway elsewhere stages the other pipeline's table; the watch ingests it.
        await RunGatewayOnlyAsync(activities, "arrivals");
        await WaitUntilAsync(async () => await CountAsync(target, "mirror_arrivals.orders") == 30);
        await ExecuteAsync(source, "INSERT INTO public.orders SELECT g, 0 FROM generate_series(31, 35) g; DELETE FROM public.orders WHERE id <= 5;");
        await RunGatewayOnlyAsync(activities, "arrivals");
        await WaitUntilAsync(async () => await CountAsync(target, "mirror_arrivals.orders") == 30 && await CountAsync(target, "mirror_arrivals.orders", "id > 30") == 5);

        await stop.CancelAsync();
        await watching.WaitAsync(HangGuard);
        abort.IsCancellationRequested.Should().BeFalse("the watch stopped by itself once its steps were done");
        watchLog.Entries.Where(e => e.EventId == 6061).Should().HaveCountGreaterThanOrEqualTo(2)
            .And.OnlyContain(e => e.Message.Contains("arrivals") && e.Message.Contains("public.orders"));
        watchLog.Entries.Should().NotContain(e => e.Level >= LogLevel.Error, string.Join('\n', watchLog.Entries.Select(e => e.Message)));
        watchLog.Entries.Should().NotContain(e => e.EventId == 6060 && e.Message.Contains("scheduled"), "the scheduled pipeline's own batches start no ingest");
    }

    [Fact]
    public async Task The_cli_watches_until_ctrl_c_and_exits_0()
    {
        var source = await postgres.NewDatabaseAsync("watchclisrc");
        var target = await postgres.NewDatabaseAsync("watchclitgt");
        await ExecuteAsync(source, """
            CREATE TABLE public.customers (id int PRIMARY KEY, name text);
            INSERT INTO public.customers SELECT g, 'customer ' || g FROM generate_series(1, 12) g;
            """);
        var file = WritePipeline(_folder, "cliwatch", "customers", "1s");
        var environment = new Dictionary<string, string> { ["WATCH_SOURCE"] = source, ["WATCH_TARGET"] = target };

        var watch = WatchProcess.Start(["watch", file, "--poll-seconds", "1"], environment);
        try
        {
            await watch.WaitForOutputAsync("finished Succeeded", HangGuard);
            (await CountAsync(target, "mirror_cliwatch.customers")).Should().Be(12);
            watch.Interrupt();
            var exitCode = await watch.WaitForExitAsync(HangGuard);

            exitCode.Should().Be(0, watch.Output);
            watch.Output.Should().Contain("Watching cliwatch (schedule 1s)").And.Contain("Stopped watching");
            watch.Error.Should().Contain("Stopping once the steps in flight finish");
        }
        finally
        {
            watch.Dispose();
        }
    }

    [Fact]
    public async Task The_cli_refuses_an_invalid_pipeline_folder_with_exit_2()
    {
        File.WriteAllText(Path.Combine(_folder, "broken.yaml"), "name: [unclosed");

        var watch = WatchProcess.Start(["watch", _folder], new Dictionary<string, string>());
        var exitCode = await watch.WaitForExitAsync(HangGuard);
        watch.Dispose();

        exitCode.Should().Be(2);
        watch.Error.Should().Contain("broken.yaml");
    }

    private string WritePipeline(string folder, string name, string table, string? schedule)
    {
        var slot = $"ingest_w_{Guid.NewGuid():N}"[..26];
        var path = Path.Combine(folder, name + ".yaml");
        File.WriteAllText(path, $"""
            name: {name}
            source:
              kind: postgres
              connection: ${"{"}env:WATCH_SOURCE{"}"}
              slot: {slot}
              publication: {slot}
            objects:
              - schema: public
                table: {table}
            staging:
              location: {Path.Combine(_folder, "staging")}
            destination:
              kind: postgres
              connection: ${"{"}env:WATCH_TARGET{"}"}
              schema: mirror_{name}
            {(schedule is null ? "" : $"schedule: {schedule}")}
            """);
        return path;
    }

    /// <summary>What a gateway running apart from the watch does: plan, snapshot or capture, finish; no ingest.</summary>
    private static async Task RunGatewayOnlyAsync(PipelineActivities activities, string pipeline)
    {
        var runId = RunRequest.NewRunId();
        var plan = await activities.PlanAsync(new PipelineRunInput(pipeline, runId, RunTrigger.Manual, [], null, null), CancellationToken.None);
        plan.Error.Should().BeNull();
        var snapshots = new List<TableStepResult>();
        foreach (var table in plan.SnapshotTables)
            snapshots.Add(await activities.SnapshotTableAsync(new TableStepInput(pipeline, runId, table, plan.LeaseSeconds), CancellationToken.None));
        var capture = plan.CaptureChanges
            ? await activities.CaptureChangesAsync(new CaptureStepInput(pipeline, runId, plan.Tables, plan.LeaseSeconds), CancellationToken.None)
            : null;
        await activities.FinishRunAsync(new FinishRunInput(pipeline, runId, RunTrigger.Manual, plan.StartedAt, plan.Tables, plan, null, snapshots, capture, [], ReleaseLease: true), CancellationToken.None);
        snapshots.Where(s => s.Error != null).Should().BeEmpty();
        capture?.Error.Should().BeNull();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Rows of a target table; 0 while it does not exist yet.</summary>
    private static async Task<long> CountAsync(string connectionString, string table, string where = "true")
    {
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT to_regclass(format('%I.%I', @schema, @table)) IS NOT NULL", connection);
        exists.Parameters.AddWithValue("schema", table[..dot]);
        exists.Parameters.AddWithValue("table", table[(dot + 1)..]);
        if (!(bool)(await exists.ExecuteScalarAsync())!) return 0;
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{table[..dot]}\".\"{table[(dot + 1)..]}\" WHERE {where}", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        while (!await condition()) await Task.Delay(100, guard.Token);
    }

    /// <summary>The built <c>ingest</c> command as a process whose output can be watched while it runs.</summary>
    private sealed class WatchProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly StringBuilder _error = new();
        private readonly Lock _gate = new();

        private WatchProcess(Process process) => _process = process;

        public string Output
        {
            get
            {
                lock (_gate) return _output.ToString();
            }
        }

        public string Error
        {
            get
            {
                lock (_gate) return _error.ToString();
            }
        }

        public static WatchProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ingest.dll"));
            foreach (var argument in arguments) info.ArgumentList.Add(argument);
            foreach (var (key, value) in environment) info.Environment[key] = value;
            var watch = new WatchProcess(new Process { StartInfo = info });
            watch._process.OutputDataReceived += (_, e) => watch.Append(watch._output, e.Data);
            watch._process.ErrorDataReceived += (_, e) => watch.Append(watch._error, e.Data);
            watch._process.Start();
            watch._process.BeginOutputReadLine();
            watch._process.BeginErrorReadLine();
            return watch;
        }

        public async Task WaitForOutputAsync(string text, TimeSpan guard)
        {
            using var cancel = new CancellationTokenSource(guard);
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                if (_process.HasExited) throw new InvalidOperationException($"ingest exited ({_process.ExitCode}) before printing '{text}'.\n{Output}\n{Error}");
                await Task.Delay(100, cancel.Token);
            }
        }

        /// <summary>Ctrl+C.</summary>
        public void Interrupt()
        {
            using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        public async Task<int> WaitForExitAsync(TimeSpan guard)
        {
            using var cancel = new CancellationTokenSource(guard);
            await _process.WaitForExitAsync(cancel.Token);
            _process.WaitForExit();
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }

        private void Append(StringBuilder buffer, string? line)
        {
            if (line is null) return;
            lock (_gate) buffer.AppendLine(line);
        }
    }
}
