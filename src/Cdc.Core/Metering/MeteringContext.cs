using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Staging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cdc.Core.Metering;

/// <summary>What metering needs beyond a run: settings, prices, the deployment's budgets, the ledger and alert state
/// (in the deployment store), metrics and any extra sinks. One per deployment; shared by its runs.</summary>
public sealed class MeteringContext
{
    public MeteringContext(
        IStagingStore deploymentStore,
        MeteringSettings settings,
        PriceList? prices = null,
        IReadOnlyList<Budget>? deploymentBudgets = null,
        TimeProvider? time = null,
        ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(deploymentStore);
        ArgumentNullException.ThrowIfNull(settings);
        var factory = loggers ?? NullLoggerFactory.Instance;
        Settings = settings;
        Prices = prices ?? PriceList.Default;
        DeploymentBudgets = deploymentBudgets ?? [];
        Time = time ?? TimeProvider.System;
        Logger = factory.CreateLogger<MeteredPipelineRunner>();
        DeploymentStore = deploymentStore;
        Ledger = new UsageLedger(deploymentStore, Logger);
        Budgets = new BudgetTracker(deploymentStore, Ledger, Prices.Currency, Time, Logger);
    }

    public MeteringSettings Settings { get; }

    public PriceList Prices { get; }

    /// <summary>Budgets from the deployment budgets file; pipelines may declare their own.</summary>
    public IReadOnlyList<Budget> DeploymentBudgets { get; }

    public TimeProvider Time { get; }

    public IStagingStore DeploymentStore { get; }

    public UsageLedger Ledger { get; }

    public BudgetTracker Budgets { get; }

    public IngestMetrics Metrics { get; init; } = IngestMetrics.Shared;

    /// <summary>Extra destinations of usage records and alerts (the Functions app's Event Hubs output).</summary>
    public IReadOnlyList<IUsageSink> Sinks { get; init; } = [];

    internal ILogger Logger { get; }

    /// <summary>The context for a pipeline: the deployment store at its staging location, the price list and budgets
    /// file the settings name.</summary>
    /// <exception cref="PriceListException">The price list file is invalid.</exception>
    /// <exception cref="PipelineValidationException">The budgets file is invalid.</exception>
    /// <exception cref="FileNotFoundException">The budgets file does not exist.</exception>
    public static MeteringContext Open(PipelineDefinition pipeline, MeteringSettings settings, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.BudgetsPath is { } path && !File.Exists(path))
            throw new FileNotFoundException($"{MeteringEnvironment.Budgets} names the budgets file '{path}', which does not exist.", path);
        var budgets = settings.BudgetsPath is { } file ? BudgetsFile.Load(file) : [];
        return new MeteringContext(Metering.DeploymentStore.Open(pipeline.Staging, pipeline.Name), settings, PriceList.Load(settings.PriceListPath), budgets, time, loggers);
    }
}
