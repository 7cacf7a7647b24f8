using System.Diagnostics;

namespace Baton.Local.Diagnostics;

/// <summary>
/// Start-up phase timings on stderr, for finding where a process start goes (issue 13): set
/// <c>BATON_TRACE_STARTUP=1</c> and every <see cref="Mark"/> prints <c>baton startup: +12.3 ms (3.1) phase [jit: …]</c> —
/// time since <c>Main</c>, since the previous mark, and the JIT's totals so far. Off (one static bool read) otherwise; stdout is never touched, so
/// it is safe under <c>baton mcp</c>.
/// </summary>
public static class StartupTrace
{
    /// <summary>The environment variable that turns the trace on.</summary>
    public const string Variable = "BATON_TRACE_STARTUP";

    private static readonly bool On = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value && value != "0";
    private static readonly long Origin = Stopwatch.GetTimestamp();
    private static long _last = Origin;

    public static bool Enabled => On;

    /// <summary>Prints the process's age at <c>Main</c> (how long the runtime took to get there) when tracing is on.</summary>
    public static void Start()
    {
        if (!On) return;
        using var self = Process.GetCurrentProcess();
        // StartTime comes from /proc in clock ticks (10 ms here): good enough to see the runtime's share.
        Console.Error.WriteLine($"baton startup: main reached {(DateTime.Now - self.StartTime).TotalMilliseconds:F0} ms after the process started");
    }

    /// <summary>Prints the time since <see cref="Start"/> and since the previous mark, when tracing is on.</summary>
    public static void Mark(string phase)
    {
        if (!On) return;
        var now = Stopwatch.GetTimestamp();
        var previous = Interlocked.Exchange(ref _last, now);
        // The JIT's running totals show what ReadyToRun left to compile at run time.
        Console.Error.WriteLine($"baton startup: +{Stopwatch.GetElapsedTime(Origin, now).TotalMilliseconds:F1} ms ({Stopwatch.GetElapsedTime(previous, now).TotalMilliseconds:F1}) {phase}" +
                                $" [jit: {System.Runtime.JitInfo.GetCompiledMethodCount()} methods, {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0} ms]");
    }
}
