using System.Diagnostics;
using Baton.Core.Activity;
using Baton.Core.Common;
using Baton.Local.Diagnostics;
using Baton.Local.Settings;

namespace Baton.Cli.Hooks;

/// <summary>
/// <c>baton hook claude|gemini|codex [event]</c>, the command every agent CLI's hook config runs (docs/architecture.md
/// §15). It must never hurt the agent: it exits 0 whatever happens (a bad payload, an unwritable data directory, a
/// server that is down), writes nothing on stdout (none of the three CLIs needs an answer from an observer, and
/// Claude and Gemini would read one as a decision), and is quick — so it runs before the command tree is built
/// (<see cref="IsHookCall"/>, called first by Program.cs), appends the event to the outbox and returns. Forwarding is
/// left to a detached <c>baton hook flush --linger</c> it starts when none is running, to <c>baton mcp</c> and to
/// <c>baton hook flush</c>.
/// </summary>
public static class HookCommand
{
    /// <summary>Set to <c>off</c>, the hook only appends and never starts a sender (<c>baton mcp</c> or <c>baton hook flush</c> then send).</summary>
    public const string FlushVariable = "BATON_HOOK_FLUSH";

    /// <summary>The most of stdin read: payloads are small; a tool input is cut to a bound anyway.</summary>
    private const int MaxInputBytes = 4 * 1024 * 1024;

    /// <summary><c>hook &lt;cli&gt; …</c>: the calls the fast path takes (<c>hook flush</c> and <c>hook --help</c> go through the command tree).</summary>
    public static bool IsHookCall(string[] args) =>
        args.Length >= 2 && args[0] == "hook" && HookPayloads.CliOrNull(args[1]) is not null && !args.Skip(2).Any(a => a is "--help" or "-h" or "-?");

    /// <summary>
    /// The longest a hook process lives, whatever it is waiting for (a CLI that never closes stdin, an outbox locked by a
    /// stuck process): then it exits 0 with nothing recorded, so the agent is never held up by Baton.
    /// </summary>
    public static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(3);

    /// <summary>The hook call from the process: stdin when it is redirected, the process environment. Always 0.</summary>
    public static int RunFromProcess(string[] args)
    {
        using var watchdog = new Timer(static _ => Environment.Exit(ExitCodes.Ok), null, Watchdog, Timeout.InfiniteTimeSpan);
        try
        {
            StartupTrace.Start();
            var stdin = Console.IsInputRedirected ? ReadInput(Console.OpenStandardInput()) : null;
            StartupTrace.Mark("hook: stdin read");
            return Run(args, stdin, BatonSettingsLoader.ProcessEnvironment(), TimeProvider.System, Console.Error, startSender: true);
        }
        catch (Exception ex)
        {
            return Failed(Console.Error, ex);
        }
    }

    /// <summary>Parses, fills what is cheap to know, appends; starts a sender when <paramref name="startSender"/> and none is running. Always 0.</summary>
    public static int Run(string[] args, string? stdin, IReadOnlyDictionary<string, string> environment, TimeProvider clock, TextWriter error, bool startSender)
    {
        try
        {
            var cli = HookPayloads.CliOrNull(args[1])!.Value;
            var rest = args.Skip(2).ToList();
            var flags = new Dictionary<string, string>(StringComparer.Ordinal);
            var dataDirAt = rest.IndexOf("--data-dir");
            if (dataDirAt >= 0 && dataDirAt + 1 < rest.Count)
            {
                flags[BatonSettingsLoader.DataDirVariable] = rest[dataDirAt + 1];
                rest.RemoveRange(dataDirAt, 2);
            }
            var settings = BatonSettingsLoader.Load(flags, environment);
            StartupTrace.Mark("hook: settings loaded");
            var now = clock.GetUtcNow();
            var id = new IdGenerator(clock, Random.Shared).New(HookPayloads.IdPrefix);
            StartupTrace.Mark("hook: id minted");
            // Not parsed here: the payload is kept as it came and parsed when the sender reads it (HookOutbox.Oldest),
            // because JSON work costs a hook process more than its append.
            var capture = Fill(new HookCapture(id, cli, rest, stdin), settings, environment);
            StartupTrace.Mark("hook: session file read");

            HookOutbox.AppendOnce(settings.DataDir, capture, now);
            StartupTrace.Mark("hook: appended");

            if (startSender && !string.Equals(environment.GetValueOrDefault(FlushVariable), "off", StringComparison.OrdinalIgnoreCase))
                HookFlush.StartDetachedIfIdle(settings.DataDir, now);
            StartupTrace.Mark("hook: sender checked");
            return ExitCodes.Ok;
        }
        catch (Exception ex)
        {
            return Failed(error, ex);
        }
    }

    /// <summary>
    /// What the hook can tell without asking git or the server: the agent (<c>BATON_AGENT</c>, which <c>baton launch</c>
    /// sets), the venture (<c>BATON_VENTURE</c>), and — when the session file remembers exactly one session for that
    /// agent — the session and its repo. Anything else the server matches from the native session id and the cwd.
    /// </summary>
    internal static HookCapture Fill(HookCapture capture, BatonSettings settings, IReadOnlyDictionary<string, string> environment)
    {
        var agent = string.IsNullOrWhiteSpace(settings.Agent) ? null : settings.Agent.Trim();
        var venture = environment.GetValueOrDefault("BATON_VENTURE") is { Length: > 0 } v ? v.Trim() : null;
        if (agent is null) return capture with { Venture = venture };
        var remembered = new SessionStateFile(settings.DataDir).ForAgent(agent);
        return remembered.Count == 1
            ? capture with { Agent = agent, Venture = venture, Repo = remembered[0].Repo, SessionId = remembered[0].SessionId }
            : capture with { Agent = agent, Venture = venture };
    }

    /// <summary>Reads stdin to its end, at most <see cref="MaxInputBytes"/> (the rest is left unread); <see cref="Watchdog"/> bounds the wait.</summary>
    internal static string ReadInput(Stream input)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while (buffer.Length < MaxInputBytes && (n = input.Read(chunk, 0, chunk.Length)) > 0) buffer.Write(chunk, 0, n);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)Math.Min(buffer.Length, MaxInputBytes));
    }

    private static int Failed(TextWriter error, Exception ex)
    {
        try
        {
            // stderr only: the agent carries on; a person debugging a hook sees why nothing was recorded.
            error.WriteLine($"baton hook: event not recorded: {ex.GetType().Name}: {ex.Message}");
        }
        catch (IOException)
        {
            // stderr closed: nothing left to tell anyone.
        }
        return ExitCodes.Ok;
    }

    /// <summary>The command that starts this very baton again (the apphost, or <c>dotnet baton.dll</c> under a build or the tests).</summary>
    internal static (string Command, IReadOnlyList<string> Prefix) SelfCommand()
    {
        var process = Environment.ProcessPath ?? "baton";
        return string.Equals(Path.GetFileNameWithoutExtension(process), "dotnet", StringComparison.OrdinalIgnoreCase)
            ? (process, [typeof(HookCommand).Assembly.Location])
            : (process, []);
    }

    internal static ProcessStartInfo DetachedStart(string command, IEnumerable<string> args)
    {
        // Every stream redirected: the child must not hold the agent CLI's pipes open (it waits for them to close).
        var start = new ProcessStartInfo(command)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }
}
