using Cdc.Core.Pipeline;
using Cdc.Core.Sources;
using Cdc.Core.Sources.Postgres;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Stores;
using Cdc.Core.State;
using Cdc.Core.Targets;
using Cdc.Core.Targets.Postgres;
using Microsoft.Extensions.Logging;

namespace Cdc.Core.Runs;

/// <summary>Builds a pipeline's staging area, state, lease, source and target from its definition.</summary>
public static class PipelineComponentsFactory
{
    public static PipelineComponents Create(PipelineDefinition pipeline, ILoggerFactory loggers, ComponentOverrides? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(loggers);
        overrides ??= new ComponentOverrides();
        var time = overrides.Time ?? TimeProvider.System;
        var store = StagingStoreFactory.Create(pipeline.Staging, pipeline.Name);
        if (overrides.WrapStore is not null) store = overrides.WrapStore(store);
        return new PipelineComponents(
            new StagingArea(store, loggers.CreateLogger<StagingArea>(), overrides.StagingSettings, time),
            new GatewayStateStore(store),
            new PipelineLease(store, time, loggers.CreateLogger<PipelineLease>()),
            new RunHistory(store),
            () => Wrap(CreateSource(pipeline, loggers), overrides.WrapSource),
            () => Wrap(CreateTarget(pipeline, loggers), overrides.WrapTarget));
    }

    internal static ISourceConnector CreateSource(PipelineDefinition pipeline, ILoggerFactory loggers) => pipeline.Source.Kind switch
    {
        SourceKind.Postgres => new PostgresSourceConnector(
            pipeline.Source.Connection,
            pipeline.Source.Slot ?? PipelineNames.DefaultSlotName(pipeline.Name),
            pipeline.Source.Publication ?? pipeline.Source.Slot ?? PipelineNames.DefaultSlotName(pipeline.Name),
            loggers.CreateLogger<PostgresSourceConnector>()),
        SourceKind.SqlServer => new Sources.SqlServer.SqlServerSourceConnector(
            new SqlServer.SqlConnectionFactory(pipeline.Source.Connection, pipeline.Source.Authentication, readOnlyIntent: true, pipeline.Source.ManagedIdentityClientId),
            new Sources.SqlServer.SqlServerSourceOptions(pipeline.Source.CaptureMode, pipeline.Source.ManageCaptureInstances),
            loggers.CreateLogger<Sources.SqlServer.SqlServerSourceConnector>(),
            // Creating and dropping capture instances needs the primary, which read-only intent may route away from.
            pipeline.Source.ManageCaptureInstances
                ? Sources.SqlServer.SqlServerSourceConnector.CaptureInstanceConnections(pipeline.Source.Connection, pipeline.Source.Authentication, pipeline.Source.ManagedIdentityClientId)
                : null),
        _ => throw new NotSupportedException($"{pipeline.SourceFile ?? pipeline.Name}: source.kind '{pipeline.Source.Kind}' has no connector in this build yet."),
    };

    private static ITargetWriter CreateTarget(PipelineDefinition pipeline, ILoggerFactory loggers) => pipeline.Destination.Kind switch
    {
        DestinationKind.Postgres => new PostgresTargetWriter(pipeline.Destination.Connection, loggers.CreateLogger<PostgresTargetWriter>()),
        DestinationKind.SqlServer => new Targets.SqlServer.SqlServerTargetWriter(
            new SqlServer.SqlConnectionFactory(pipeline.Destination.Connection, pipeline.Destination.Authentication, readOnlyIntent: false, pipeline.Destination.ManagedIdentityClientId),
            loggers.CreateLogger<Targets.SqlServer.SqlServerTargetWriter>()),
        _ => throw new NotSupportedException($"{pipeline.SourceFile ?? pipeline.Name}: destination.kind '{pipeline.Destination.Kind}' has no writer in this build yet."),
    };

    private static T Wrap<T>(T component, Func<T, T>? wrap) => wrap is null ? component : wrap(component);
}

/// <summary>Seams for tests and benchmarks: wrap the store, source or target (fault injection), move time, size parts.</summary>
public sealed record ComponentOverrides(
    Func<IStagingStore, IStagingStore>? WrapStore = null,
    Func<ISourceConnector, ISourceConnector>? WrapSource = null,
    Func<ITargetWriter, ITargetWriter>? WrapTarget = null,
    TimeProvider? Time = null,
    StagingAreaSettings? StagingSettings = null);
