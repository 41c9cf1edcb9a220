using System.Collections.Concurrent;
using System.CommandLine;
using System.Runtime.InteropServices;
using Cdc.Core.Metering;
using Cdc.Core.Orchestration;
using Cdc.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace Ingest.Cli.Commands;

/// <summary><c>ingest watch</c>: the Functions app's timer and blob-arrival triggers, run locally by
/// <see cref="WatchLoop"/> until Ctrl+C.</summary>
internal static class WatchCommand
{
    private const int DefaultPollSeconds = 5;

    public static Command Create(Option<bool> verbose)
    {
        var paths = new Argument<string[]>("pipelines")
        {
            Description = "Pipeline files (YAML), or folders whose *.yaml and *.yml files are all watched.",
            Arity = ArgumentArity.OneOrMore,
        };
        var pollSeconds = new Option<int>("--poll-seconds")
        {
            Description = "How often the staging areas are checked for newly staged batches. Schedules fire on time regardless.",
            DefaultValueFactory = _ => DefaultPollSeconds,
        };
        pollSeconds.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value is < WatchOptions.MinimumPollSeconds or > WatchOptions.MaximumPollSeconds)
                result.AddError($"--poll-seconds must be between {WatchOptions.MinimumPollSeconds} and {WatchOptions.MaximumPollSeconds} (got {value}).");
        });
        var command = new Command("watch", "Run each pipeline on its schedule and ingest newly staged batches as they appear, until Ctrl+C.") { paths, pollSeconds };
        command.SetAction(async (parse, _) =>
        {
            // Ctrl+C is handled here rather than by the command line library, which would end the process two seconds
            // after the first one: here the first lets the steps in flight finish, and only a second one aborts them.
            // This must happen before the first await.
            parse.InvocationConfiguration.ProcessTerminationTimeout = null;
            using var signals = new StopSignals(Console.Error);

            var catalog = new FolderPipelineCatalog(parse.GetRequiredValue(paths));
            IReadOnlyList<PipelineDefinition> pipelines;
            try
            {
                pipelines = await catalog.ListAsync(signals.Stop);
            }
            catch (Exception ex) when (ex is PipelineValidationException or IOException)
            {
                Console.Error.WriteLine(ex.Message);
                return ExitCodes.InvalidInput;
            }
            catch (OperationCanceledException) when (signals.Stop.IsCancellationRequested)
            {
                return ExitCodes.Cancelled;
            }
            if (pipelines.Count == 0)
            {
                Console.Error.WriteLine($"No pipeline files (*.yaml, *.yml) in {catalog.Description}.");
                return ExitCodes.InvalidInput;
            }

            using var loggers = CreateLogging(parse.GetValue(verbose));
            try
            {
                // One metering context per pipeline, shared by its runs; opened now so a broken price list or budgets
                // file stops the command at once.
                var settings = MeteringSettings.FromEnvironment();
                var metering = new ConcurrentDictionary<string, MeteringContext>(
                    pipelines.ToDictionary(p => p.Name, p => MeteringContext.Open(p, settings, loggers)), StringComparer.Ordinal);
                var activities = new PipelineActivities(catalog, loggers, TimeProvider.System, new PipelineActivityOptions
                {
                    Metering = pipeline => metering.GetOrAdd(pipeline.Name, _ => MeteringContext.Open(pipeline, settings, loggers)),
                });
                var runner = new WatchOrchestrationRunner(activities, TimeProvider.System, loggers.CreateLogger<WatchOrchestrationRunner>());
                var loop = new WatchLoop(pipelines, runner, new WatchStagingCommitPoller(), TimeProvider.System, loggers.CreateLogger<WatchLoop>(),
                    new WatchOptions { PollInterval = TimeSpan.FromSeconds(parse.GetValue(pollSeconds)) });
                Console.Out.WriteLine($"Watching {string.Join(", ", pipelines.Select(Describe))}. Ctrl+C stops once the steps in flight finish; a second Ctrl+C aborts them.");
                await loop.RunAsync(signals.Stop, signals.Abort);
            }
            catch (Exception ex) when (CliErrors.IsInvalidInput(ex))
            {
                Console.Error.WriteLine(ex.Message);
                return ExitCodes.InvalidInput;
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Error;
            }
            return signals.Aborted ? ExitCodes.Cancelled : ExitCodes.Ok;
        });
        return command;
    }

    private static string Describe(PipelineDefinition pipeline) =>
        pipeline.Schedule is null ? $"{pipeline.Name} (no schedule)" : $"{pipeline.Name} (schedule {pipeline.Schedule})";

    /// <summary>The watch loop's own lines (runs, ingests) always show; everything else as for the other commands.</summary>
    private static ILoggerFactory CreateLogging(bool verbose) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
        .AddFilter(typeof(WatchLoop).FullName, LogLevel.Information)
        .AddFilter("Npgsql", LogLevel.Warning)
        .AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        }));

    /// <summary>SIGINT (Ctrl+C) and SIGTERM: the first stops watching once the steps in flight finish, the second
    /// cancels those steps, a third ends the process the usual way.</summary>
    private sealed class StopSignals : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly CancellationTokenSource _abort = new();
        private readonly TextWriter _messages;
        private readonly PosixSignalRegistration _interrupt;
        private readonly PosixSignalRegistration _terminate;
        private int _count;

        public StopSignals(TextWriter messages)
        {
            _messages = messages;
            _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        }

        public CancellationToken Stop => _stop.Token;

        public CancellationToken Abort => _abort.Token;

        public bool Aborted => _abort.IsCancellationRequested;

        public void Dispose()
        {
            _interrupt.Dispose();
            _terminate.Dispose();
            _stop.Dispose();
            _abort.Dispose();
        }

        private void OnSignal(PosixSignalContext context)
        {
            switch (Interlocked.Increment(ref _count))
            {
                case 1:
                    context.Cancel = true;
                    _messages.WriteLine("Stopping once the steps in flight finish; press Ctrl+C again to abort them.");
                    _stop.Cancel();
                    break;
                case 2:
                    context.Cancel = true;
                    _messages.WriteLine("Aborting the steps in flight; work committed so far is kept and the next run continues from it.");
                    _abort.Cancel();
                    break;
                default:
                    context.Cancel = false;
                    break;
            }
        }
    }
}
