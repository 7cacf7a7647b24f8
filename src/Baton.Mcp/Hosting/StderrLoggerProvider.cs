using Microsoft.Extensions.Logging;

namespace Baton.Mcp.Hosting;

/// <summary>
/// <c>baton mcp</c>'s log lines on stderr, in the console logger's simple layout (<c>warn: Category[id]</c>, then the
/// message indented). Not the console logger itself: its queue thread, option monitors and formatters were a
/// measurable part of the start an agent CLI waits on (decision 0014), and a stdio server writes a handful of lines.
/// </summary>
internal sealed class StderrLoggerProvider(TextWriter error) : ILoggerProvider
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new StderrLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string text)
    {
        // One block per entry, never interleaved with another thread's.
        lock (_gate)
        {
            error.Write(text);
            error.Flush();
        }
    }

    private sealed class StderrLogger(StderrLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        // Levels are filtered by the logging builder (SetMinimumLevel, AddFilter) before they get here.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var text = $"{Label(logLevel)}: {category}[{eventId.Id}]{Environment.NewLine}      {formatter(state, exception)}{Environment.NewLine}";
            if (exception is not null) text += exception + Environment.NewLine;
            provider.Write(text);
        }

        private static string Label(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
