using Cdc.Core.Metering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Ingest.Functions.Hosting;

/// <summary>
/// Exports the <c>Ingest</c> meter (<see cref="IngestMetrics"/>: rows, bytes, run duration, cost, lag, budget
/// alerts) with OpenTelemetry over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; the exporter reads the other
/// standard <c>OTEL_EXPORTER_OTLP_*</c> settings itself. Without an endpoint nothing is exported.
/// </summary>
public sealed class MetricsExport(IConfiguration configuration, ILogger<MetricsExport> logger) : IHostedService, IDisposable
{
    private MeterProvider? _provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoint = configuration[SettingNames.OtlpEndpoint];
        if (string.IsNullOrWhiteSpace(endpoint)) return Task.CompletedTask;
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(IngestMetrics.MeterName)
            .AddOtlpExporter()
            .Build();
        FunctionsLog.MetricsExport(logger, IngestMetrics.MeterName, endpoint);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _provider?.ForceFlush();
        return Task.CompletedTask;
    }

    public void Dispose() => _provider?.Dispose();
}
