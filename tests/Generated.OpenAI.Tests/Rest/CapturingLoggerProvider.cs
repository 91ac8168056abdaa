using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;

namespace Generated.OpenAI.Tests.Rest;

/// <summary>Keeps every log line at every level, with its structured values and exception text.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string line = $"{logLevel} {eventId.Id} {formatter(state, exception)}";
        if (state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            foreach (KeyValuePair<string, object?> pair in values)
            {
                line += $" [{pair.Key}={pair.Value}]";
            }
        }
        if (exception is not null)
        {
            line += " " + exception;
        }
        _lines.Enqueue(line);
    }

    public void Dispose()
    {
    }
}
