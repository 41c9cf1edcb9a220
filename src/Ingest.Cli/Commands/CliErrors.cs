using Cdc.Core.Metering;
using Cdc.Core.Pipeline;

namespace Ingest.Cli.Commands;

internal static class CliErrors
{
    /// <summary>Errors in what the user gave (pipeline file, price list, arguments): exit code 2 rather than 4.</summary>
    public static bool IsInvalidInput(Exception exception) =>
        exception is PriceListException or PipelineValidationException or FileNotFoundException or ArgumentException;
}
