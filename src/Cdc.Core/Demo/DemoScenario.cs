using Cdc.Core.Local;
using Cdc.Core.Metering;
using Cdc.Core.Pipeline;
using Cdc.Core.Runs;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Demo;

/// <param name="SourceConnection">A PostgreSQL source to use instead of a throwaway server.</param>
/// <param name="TargetConnection">A PostgreSQL target to use instead of a throwaway server.</param>
/// <param name="Staging">A staging location (folder, connection string, container URL), or <c>azurite</c> to start a
/// local Azurite; null stages into a temporary folder.</param>
public sealed record DemoOptions(string? SourceConnection = null, string? TargetConnection = null, string? Staging = null);

/// <summary>A target table's content as text, for display and for checking.</summary>
public sealed record TableContent(string Name, IReadOnlyList<string> Columns, IReadOnlyList<string?[]> Rows);

public sealed record DemoOutcome(RunResult InitialLoad, RunResult AfterChanges, TableContent Current, TableContent History);

/// <summary>
/// The README's main command: starts what the user did not provide (a throwaway PostgreSQL, Azurite), creates the
/// seed's drivers table, runs the initial load, applies the seed's walkthrough at the source, runs again, shows the
/// SCD type 1 and type 2 tables, and stops (or cleans up) everything it started.
/// </summary>
public sealed class DemoScenario(ILoggerFactory loggers, IProgress<RunEvent>? progress, Action<string> say, Action<TableContent> show)
{
    private const string TargetSchema = "ingest_demo_target";

    public async Task<DemoOutcome> RunAsync(DemoOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var resources = new DemoResources();
        var source = options.SourceConnection;
        var target = options.TargetConnection;
        if (source is null || target is null)
        {
            say("starting a throwaway PostgreSQL on loopback ...");
            var server = resources.Add(await LocalPostgres.StartAsync(cancellationToken: cancellationToken));
            source ??= await server.CreateDatabaseAsync("demo_source", cancellationToken);
            target ??= await server.CreateDatabaseAsync("demo_target", cancellationToken);
        }
        var staging = options.Staging;
        if (string.Equals(staging, "azurite", StringComparison.OrdinalIgnoreCase))
        {
            say("starting Azurite on loopback ...");
            staging = resources.Add(await LocalAzurite.StartAsync(cancellationToken)).ConnectionString;
        }
        staging ??= resources.TemporaryFolder();
        say($"staging at {(staging.Contains("AccountKey", StringComparison.Ordinal) ? "Azurite" : staging)}");

        var pipeline = LoadPipeline(source, target, staging);
        var userServers = options.SourceConnection is not null || options.TargetConnection is not null;
        try
        {
            say("creating ingest_demo.drivers at the source (John Doe, Alice Smith, Bob Johnson)");
            await DriversDemo.CreateSourceAsync(source, cancellationToken);
            var runner = MeteredPipelineRunner.ForPipeline(pipeline, MeteringContext.Open(pipeline, MeteringSettings.FromEnvironment(), loggers), loggers);

            say("run 1: initial snapshot");
            var first = await runner.RunAsync(pipeline, RunRequest.Manual(), progress, cancellationToken);
            SayUsage(first);
            await ShowAsync(target, cancellationToken);

            say("at the source: insert Jack William; driver 1's license_number := SDF456; delete driver 2; add column email");
            await DriversDemo.ApplyWalkthroughAsync(source, cancellationToken);

            say("run 2: changes only");
            var second = await runner.RunAsync(pipeline, RunRequest.Manual(), progress, cancellationToken);
            SayUsage(second);
            var (current, history) = await ShowAsync(target, cancellationToken);
            return new DemoOutcome(first.Run, second.Run, current, history);
        }
        finally
        {
            if (userServers)
                await DriversDemo.CleanUpAsync(source, target, pipeline.Source.Slot!, pipeline.Source.Publication!, TargetSchema, CancellationToken.None);
        }
    }

    private void SayUsage(MeteredRunResult run) => say(string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"usage: {run.Usage.ComputeSeconds:0.0} s, {run.Usage.StorageOperations.Total} storage operations, estimated {run.Usage.Cost:0.######} {run.Usage.Currency} (ingest usage, ingest report)"));

    private async Task<(TableContent Current, TableContent History)> ShowAsync(string target, CancellationToken cancellationToken)
    {
        var current = await ReadAsync(target, "drivers", ["driver_id"], cancellationToken);
        var history = await ReadAsync(target, "drivers_history", ["driver_id", "__START_AT"], cancellationToken);
        show(current);
        show(history);
        return (current, history);
    }

    private static async Task<TableContent> ReadAsync(string target, string table, IReadOnlyList<string> orderBy, CancellationToken cancellationToken)
    {
        var (columns, rows) = await TargetTableReader.ReadAsync(target, TargetSchema, table, orderBy, cancellationToken);
        return new TableContent($"{TargetSchema}.{table}", columns, rows);
    }

    private static PipelineDefinition LoadPipeline(string source, string target, string staging)
    {
        using var stream = typeof(DemoScenario).Assembly.GetManifestResourceStream("demo-pipeline.yaml")
            ?? throw new InvalidOperationException("The demo pipeline resource is missing from Cdc.Core.");
        using var reader = new StreamReader(stream);
        var variables = new Dictionary<string, string>
        {
            ["INGEST_DEMO_SOURCE"] = source,
            ["INGEST_DEMO_TARGET"] = target,
            ["INGEST_DEMO_STAGING"] = staging,
        };
        return PipelineLoader.Load(reader.ReadToEnd(), "demo-pipeline.yaml", name => variables.GetValueOrDefault(name));
    }
}
