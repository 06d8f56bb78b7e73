using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WsAuth.Testing;

/// <summary>Captures every log line, at every level and category, with its formatted message and state values.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    public IEnumerable<CapturedLog> ForCategoryPrefix(string prefix)
        => Entries.Where(e => e.Category.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Lines written by the WsAuth libraries themselves (category <c>WsAuth…</c>), not by test code in a <c>WsAuth.*Tests</c> namespace.</summary>
    public IEnumerable<CapturedLog> FromWsAuth()
        => Entries.Where(e => e.Category.StartsWith("WsAuth", StringComparison.Ordinal)
            && !e.Category.StartsWith("WsAuth.FunctionalTests", StringComparison.Ordinal)
            && !e.Category.StartsWith("WsAuth.Tests", StringComparison.Ordinal)
            && !e.Category.StartsWith("WsAuth.Testing", StringComparison.Ordinal));

    private sealed class CapturingLogger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.Select(p => $"{p.Key}={p.Value}").ToArray()
                : [];
            owner.Entries.Enqueue(new CapturedLog(category, logLevel, eventId, formatter(state, exception), values, exception?.ToString()));
        }
    }
}

public sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message, string[] StateValues, string? Exception)
{
    /// <summary>Everything about the line as text, to search for secrets.</summary>
    public string AllText => string.Join('\n', [Category, EventId.Name ?? string.Empty, Message, .. StateValues, Exception ?? string.Empty]);
}
