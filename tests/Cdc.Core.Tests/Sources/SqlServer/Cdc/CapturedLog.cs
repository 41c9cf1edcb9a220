using Microsoft.Extensions.Logging;

namespace Cdc.Core.Tests.Sources.SqlServer.Cdc;

/// <summary>Keeps log lines, so an assertion can say what the code logged when it fails.</summary>
internal sealed class CapturedLog : ILogger
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    public override string ToString() => string.Join(Environment.NewLine, Lines);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{logLevel} {eventId.Id}: {formatter(state, exception)}" + (exception is null ? "" : $" ({exception.Message})");
        lock (_lines) _lines.Add(line);
    }
}
