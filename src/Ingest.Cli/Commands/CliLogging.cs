using Microsoft.Extensions.Logging;

namespace Ingest.Cli.Commands;

internal static class CliLogging
{
    /// <summary>Warnings and errors to stderr; with --verbose, every step.</summary>
    public static ILoggerFactory Create(bool verbose) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
        .AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        })
        .AddFilter("Npgsql", LogLevel.Warning));
}
