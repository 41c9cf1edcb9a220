using System.CommandLine;
using Cdc.Core.Metering;
using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Cdc.Core.State;
using Ingest.Cli.Output;

namespace Ingest.Cli.Commands;

internal static class RunCommand
{
    public static Command Create(Option<bool> verbose)
    {
        var pipeline = PipelineArgument.Create();
        var fullRefresh = new Option<string[]>("--full-refresh")
        {
            Description = "Snapshot this source table again from scratch (schema.table; quote parts with dots: sales.\"Order Details\"). Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var leaseSeconds = new Option<int>("--lease-seconds")
        {
            Description = "How long the pipeline's lease lasts without renewal: a killed run blocks the next one at most this long.",
            DefaultValueFactory = _ => (int)new RunnerSettings().LeaseDuration.TotalSeconds,
        };
        leaseSeconds.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value is < RunnerSettings.MinimumLeaseSeconds or > RunnerSettings.MaximumLeaseSeconds)
                result.AddError($"--lease-seconds must be between {RunnerSettings.MinimumLeaseSeconds} and {RunnerSettings.MaximumLeaseSeconds} (got {value}).");
        });
        var command = new Command("run", "Run the pipeline once: gateway (snapshot or changes) then ingest, per table.") { pipeline, fullRefresh, leaseSeconds };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var definition = PipelineArgument.Load(parse.GetRequiredValue(pipeline), Console.Error);
            if (definition is null) return ExitCodes.InvalidInput;
            var refresh = new HashSet<TableId>();
            foreach (var name in parse.GetValue(fullRefresh) ?? [])
            {
                try
                {
                    refresh.Add(TableId.Parse(name));
                }
                catch (FormatException ex)
                {
                    Console.Error.WriteLine($"--full-refresh: {ex.Message}");
                    return ExitCodes.InvalidInput;
                }
            }
            using var loggers = CliLogging.Create(parse.GetValue(verbose));
            MeteringContext metering;
            try
            {
                metering = MeteringContext.Open(definition, MeteringSettings.FromEnvironment(), loggers);
            }
            catch (Exception ex) when (CliErrors.IsInvalidInput(ex))
            {
                Console.Error.WriteLine(ex.Message);
                return ExitCodes.InvalidInput;
            }
            try
            {
                // Steps are retried with backoff, as in the Functions app: a passing fault need not fail the run.
                var runner = MeteredPipelineRunner.ForPipeline(definition, metering, loggers, settings: new RunnerSettings
                {
                    LeaseDuration = TimeSpan.FromSeconds(parse.GetValue(leaseSeconds)),
                    Retry = Cdc.Core.Orchestration.PipelineOrchestration.Retry,
                });
                var request = new RunRequest(RunRequest.NewRunId(), RunTrigger.Manual, refresh);
                var metered = await runner.RunAsync(definition, request, new ProgressPrinter(Console.Out), cancellationToken);
                RunSummary.Print(metered.Run, Console.Out);
                UsageCommand.PrintRun(metered, Console.Out);
                return RunSummary.ExitCode(metered.Run);
            }
            catch (PipelineBusyException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return ExitCodes.PipelineBusy;
            }
            catch (BudgetExceededException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return ExitCodes.BudgetExceeded;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine("Cancelled. Work committed so far is kept; the next run continues from there.");
                return ExitCodes.Cancelled;
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Error;
            }
        });
        return command;
    }
}
