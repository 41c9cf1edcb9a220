namespace Cdc.Core.Staging.Format;

/// <summary>A staged file's bytes do not follow the format; the message says what was wrong.</summary>
internal sealed class StagedFileFormatException(string message, Exception? inner = null) : Exception(message, inner);
