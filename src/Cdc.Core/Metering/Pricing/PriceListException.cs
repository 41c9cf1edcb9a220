namespace Cdc.Core.Metering;

/// <summary>A price list file is unusable; the message names the file and the entry.</summary>
public sealed class PriceListException(string message, Exception? inner = null) : Exception(message, inner)
{
}
