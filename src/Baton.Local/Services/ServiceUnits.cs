using System.Globalization;
using System.Text;

namespace Baton.Local.Services;

/// <summary>What runs as a service: <c>baton worker</c> or <c>baton serve</c>.</summary>
public enum ServiceKind { Worker, Server }

/// <summary>The supervisor: a systemd user unit (Linux) or a launchd agent (macOS).</summary>
public enum ServicePlatform { Systemd, Launchd }

/// <summary>
/// What a unit runs: <paramref name="Command"/> is the executable and the arguments before the verb (the running
/// baton's absolute path, or <c>dotnet</c> and <c>baton.dll</c>); <paramref name="Environment"/> goes inline,
/// <paramref name="Secrets"/> only into a file of mode 0600 (systemd's <c>EnvironmentFile</c>), both in the order given.
/// </summary>
public sealed record ServiceSpec(
    ServiceKind Kind,
    IReadOnlyList<string> Command,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    IReadOnlyList<KeyValuePair<string, string>> Secrets,
    TimeSpan ShutdownGrace);

/// <summary>
/// The text of the service files, pure (docs/architecture.md §11 "Service units"): the same spec gives the same bytes,
/// which is how <c>baton service status</c> tells a current file from one a later install would change.
/// </summary>
public static class ServiceUnits
{
    /// <summary>
    /// Variables the unit passes on from the installing shell, when set there (DOTNET_ROOT: a framework-dependent
    /// baton finds its runtime the way it did in that shell).
    /// </summary>
    public static readonly string[] PassedVariables =
        ["BATON_URL", "BATON_REPO_ROOTS", "BATON_AGENT", "BATON_LISTEN", "BATON_STORE", "BATON_DURABILITY", "BATON_VENTURES_FILE",
         "BATON_STALE_MINUTES", "BATON_HEALTH_PROBE_SECONDS", "BATON_WORKFLOW_PASS_SECONDS", "BATON_RATE_LIMIT", "BATON_DEFAULT_AGENT", "DOTNET_ROOT"];

    /// <summary>Variables that are secrets: never inline in a unit (systemd shows units to every local user), only in the 0600 file.</summary>
    public static readonly string[] SecretVariables = ["BATON_KEY", "BATON_STORE_URL", "INFISICAL_TOKEN"];

    /// <summary>
    /// Seconds the supervisor waits after SIGTERM before SIGKILL, beyond the worker's own grace: the worker then
    /// releases what is still running (an HTTP call per task) and kills agent process groups (TERM, then KILL after 10 s).
    /// </summary>
    public static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(30);

    /// <summary>Seconds between a failure and the restart: a crash loop must not spin (systemd and launchd alike).</summary>
    public const int RestartSeconds = 5;

    public static string Verb(ServiceKind kind) => kind == ServiceKind.Worker ? "worker" : "serve";

    /// <summary><c>baton-worker</c> / <c>baton-server</c>: the systemd unit's name without <c>.service</c>, the log's name.</summary>
    public static string Name(ServiceKind kind) => kind == ServiceKind.Worker ? "baton-worker" : "baton-server";

    public static string SystemdUnitName(ServiceKind kind) => Name(kind) + ".service";

    public static string LaunchdLabel(ServiceKind kind) => kind == ServiceKind.Worker ? "dev.baton.worker" : "dev.baton.server";

    public static int StopTimeoutSeconds(TimeSpan grace) => (int)Math.Ceiling((grace + StopMargin).TotalSeconds);

    /// <summary>
    /// A systemd user unit. <paramref name="environmentFile"/> is named only when the spec has secrets. KillMode=mixed:
    /// SIGTERM goes to the worker alone, so it can drain — systemd's default would signal the agent CLIs it runs too,
    /// ending their tasks at once — and whatever is left in the cgroup is killed at the timeout.
    /// </summary>
    public static string SystemdUnit(ServiceSpec spec, string? environmentFile)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Check(spec);
        var text = new StringBuilder();
        var kind = spec.Kind == ServiceKind.Worker ? "worker: runs this machine's agents (worker.json)" : "server";
        text.Append(CultureInfo.InvariantCulture, $"""
            # Written by `baton service install --{Flag(spec.Kind)}`; `baton service status` says whether it is still what install would write.
            [Unit]
            Description=Baton {kind}

            [Service]
            Type=exec
            ExecStart={string.Join(' ', spec.Command.Append(Verb(spec.Kind)).Select(ExecArgument))}
            Restart=on-failure
            RestartSec={RestartSeconds}
            KillMode=mixed
            KillSignal=SIGTERM
            TimeoutStopSec={StopTimeoutSeconds(spec.ShutdownGrace)}

            """);
        foreach (var (name, value) in spec.Environment)
            text.Append(CultureInfo.InvariantCulture, $"Environment=\"{name}={Quoted(value).Replace("%", "%%", StringComparison.Ordinal)}\"\n");
        if (spec.Secrets.Count > 0 && environmentFile is not null) text.Append(CultureInfo.InvariantCulture, $"EnvironmentFile={Specifiers(environmentFile)}\n");
        text.Append(CultureInfo.InvariantCulture, $"""
            StandardOutput=journal
            StandardError=journal
            SyslogIdentifier={Name(spec.Kind)}

            [Install]
            WantedBy=default.target

            """);
        return text.ToString();
    }

    /// <summary>The secrets as <c>NAME="value"</c> lines: double quotes with <c>\ " $ `</c> escaped read the same to systemd and to sh.</summary>
    public static string SystemdEnvironmentFile(IReadOnlyList<KeyValuePair<string, string>> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var text = new StringBuilder("# Secrets of a Baton service (mode 0600), written by `baton service install`.\n");
        foreach (var (name, value) in secrets)
        {
            CheckValue(name, value);
            var escaped = new StringBuilder();
            foreach (var c in value)
            {
                if (c is '\\' or '"' or '$' or '`') escaped.Append('\\');
                escaped.Append(c);
            }
            text.Append(CultureInfo.InvariantCulture, $"{name}=\"{escaped}\"\n");
        }
        return text.ToString();
    }

    /// <summary>
    /// A launchd agent: started at login (RunAtLoad), restarted when it exits with a failure (KeepAlive SuccessfulExit
    /// false), SIGTERM then SIGKILL after ExitTimeOut. launchd has no environment file: the plist itself is written with
    /// mode 0600 when it carries secrets.
    /// </summary>
    public static string LaunchdPlist(ServiceSpec spec, string logFile)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(logFile);
        Check(spec);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <!-- Written by `baton service install --{Flag(spec.Kind)}`; `baton service status` says whether it is still what install would write. -->
            <plist version="1.0">
            <dict>
              <key>Label</key>
              <string>{Xml(LaunchdLabel(spec.Kind))}</string>
              <key>ProgramArguments</key>
              <array>

            """);
        foreach (var argument in spec.Command.Append(Verb(spec.Kind))) text.Append(CultureInfo.InvariantCulture, $"    <string>{Xml(argument)}</string>\n");
        text.Append("  </array>\n  <key>EnvironmentVariables</key>\n  <dict>\n");
        foreach (var (name, value) in spec.Environment.Concat(spec.Secrets))
            text.Append(CultureInfo.InvariantCulture, $"    <key>{Xml(name)}</key>\n    <string>{Xml(value)}</string>\n");
        text.Append(CultureInfo.InvariantCulture, $"""
              </dict>
              <key>RunAtLoad</key>
              <true/>
              <key>KeepAlive</key>
              <dict>
                <key>SuccessfulExit</key>
                <false/>
              </dict>
              <key>ThrottleInterval</key>
              <integer>{RestartSeconds}</integer>
              <key>ExitTimeOut</key>
              <integer>{StopTimeoutSeconds(spec.ShutdownGrace)}</integer>
              <key>StandardOutPath</key>
              <string>{Xml(logFile)}</string>
              <key>StandardErrorPath</key>
              <string>{Xml(logFile)}</string>
            </dict>
            </plist>

            """);
        return text.ToString();
    }

    public static string Flag(ServiceKind kind) => kind == ServiceKind.Worker ? "worker" : "server";

    /// <summary>A value with a line break or another control character would cut the file's line: the problem, or null.</summary>
    public static string? ProblemOf(ServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        foreach (var (name, value) in spec.Command.Select(c => new KeyValuePair<string, string>("the command", c)).Concat(spec.Environment).Concat(spec.Secrets))
        {
            if (value.Any(char.IsControl))
                return $"{name} contains a line break or another control character, which a service file cannot carry; set it without one.";
        }
        return null;
    }

    private static void Check(ServiceSpec spec)
    {
        if (ProblemOf(spec) is { } problem) throw new ArgumentException(problem, nameof(spec));
    }

    private static void CheckValue(string name, string value)
    {
        if (value.Any(char.IsControl)) throw new ArgumentException($"{name} contains a line break or another control character, which a service file cannot carry.", nameof(value));
    }

    /// <summary>One ExecStart word: double-quoted (systemd's C escapes), <c>%</c> and <c>$</c> doubled so neither is expanded.</summary>
    private static string ExecArgument(string argument) =>
        "\"" + Quoted(argument).Replace("%", "%%", StringComparison.Ordinal).Replace("$", "$$", StringComparison.Ordinal) + "\"";

    private static string Quoted(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static string Specifiers(string value) => value.Replace("%", "%%", StringComparison.Ordinal);

    private static string Xml(string value) =>
        value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
