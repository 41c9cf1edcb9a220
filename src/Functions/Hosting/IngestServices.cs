using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Core.Serialization;
using Cdc.Core.Metering;
using Cdc.Core.Orchestration;
using Ingest.Functions.Http;
using Ingest.Functions.Orchestration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ingest.Functions.Hosting;

/// <summary>Registers what the functions use: validated settings, the pipeline catalog, the activities with their
/// metering, run starting and history, and the metrics export.</summary>
public static class IngestServices
{
    public static IServiceCollection AddIngest(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<IngestOptions>()
            .Bind(configuration.GetSection(IngestOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IngestOptions>>(new IngestOptionsValidation(configuration));

        // Durable payloads (orchestration and activity inputs and results) in the JSON Cdc.Core's records are made for,
        // the same as its in-process orchestrator uses: System.Text.Json with web defaults.
        services.Configure<WorkerOptions>(worker => worker.Serializer = new JsonObjectSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IPipelineCatalog>(sp => new FolderPipelineCatalog(sp.GetRequiredService<IOptions<IngestOptions>>().Value.PipelinesFolder));
        services.AddSingleton(sp => MeteringSettingsFrom(configuration, sp.GetRequiredService<IOptions<IngestOptions>>().Value));
        services.AddSingleton(sp =>
        {
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            var time = sp.GetRequiredService<TimeProvider>();
            var metering = sp.GetRequiredService<MeteringSettings>();
            // A metering context serves every run of its pipeline; pipeline files, prices and budgets only change
            // with a restart, so each pipeline's is opened once.
            var contexts = new ConcurrentDictionary<string, MeteringContext>(StringComparer.Ordinal);
            return new PipelineActivities(sp.GetRequiredService<IPipelineCatalog>(), loggers, time, new PipelineActivityOptions
            {
                // Every run is metered: usage records, ledger, budgets, event log, metrics (docs/metering.md).
                Metering = pipeline => contexts.GetOrAdd(pipeline.Name, _ => MeteringContext.Open(pipeline, metering, loggers, time)),
            });
        });
        services.AddSingleton<RunStarter>();
        services.AddSingleton<RunLookup>();
        services.AddHostedService<MetricsExport>();
        return services;
    }

    /// <summary>
    /// Metering settings from the <c>Ingest</c> section (<c>Ingest__DefaultTags__*</c>, <c>Ingest__RequiredTags</c>,
    /// <c>Ingest__PriceList</c>, <c>Ingest__Budgets</c>, <c>Ingest__InstanceMemoryMB</c>,
    /// <c>Ingest__StagedRetentionDays</c>), files taken from the package folder when relative. Each usage record and
    /// alert is priced as an Event Hubs event when they are published.
    /// </summary>
    /// <exception cref="ArgumentException">A number is unusable; the message names the setting.</exception>
    public static MeteringSettings MeteringSettingsFrom(IConfiguration configuration, IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var variables = configuration.AsEnumerable()
            .Where(setting => setting.Key.StartsWith(IngestOptions.Section + ":", StringComparison.OrdinalIgnoreCase))
            .Select(setting => KeyValuePair.Create(setting.Key.Replace(":", "__", StringComparison.Ordinal), setting.Value));
        var settings = MeteringSettings.FromVariables(variables);
        return settings with
        {
            PublishesEvents = options.PublishUsageEvents,
            CountsDurableExecutions = true,
            PriceListPath = InPackage(settings.PriceListPath),
            BudgetsPath = InPackage(settings.BudgetsPath),
        };
    }

    private static string? InPackage(string? path) => path is null ? null : Path.GetFullPath(path, AppContext.BaseDirectory);
}
