using Ingest.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = FunctionsApplication.CreateBuilder(args);

// ASP.NET Core integration for the HTTP management API (HttpRequest in, IActionResult out).
builder.ConfigureFunctionsWebApplication();

// The worker sends its own telemetry to Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING, with
// APPLICATIONINSIGHTS_AUTHENTICATION_STRING for Entra ID). Ingest's logs are its audit trail, so they are not sampled.
builder.Services
    .AddApplicationInsightsTelemetryWorkerService(options => options.EnableAdaptiveSampling = false)
    .ConfigureFunctionsApplicationInsights();

// The Application Insights logger adds a rule keeping only warnings; without it the worker's levels apply
// (Information by default, Logging__LogLevel__<category> to change).
builder.Services.Configure<LoggerFilterOptions>(options =>
{
    var warningsOnly = options.Rules.FirstOrDefault(rule => rule.ProviderName == "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider");
    if (warningsOnly is not null) options.Rules.Remove(warningsOnly);
});

builder.Services.AddIngest(builder.Configuration);

builder.Build().Run();
