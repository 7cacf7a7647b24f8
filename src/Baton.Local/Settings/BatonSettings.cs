using System.Globalization;

namespace Baton.Local.Settings;

/// <summary>
/// Everything a Baton process (server, CLI, MCP) reads from its configuration (docs/architecture.md §11). Filled by
/// <see cref="BatonSettingsLoader"/> from, highest first: command-line flags, environment variables, <c>baton.json</c>
/// in the data directory, then the defaults documented on each property. Call <see cref="Validate"/> once at start and
/// refuse to run while it reports anything.
/// </summary>
public sealed class BatonSettings
{
    public const string DefaultListen = "127.0.0.1:8765";
    public const string SqliteStore = "sqlite";
    public const string PostgresStore = "postgres";
    public const int DefaultStaleMinutes = 45;
    public const int DefaultRateLimit = 100;
    public const int DefaultHealthProbeSeconds = 30;
    public const int DefaultWorkflowPassSeconds = 1;
    public const int DefaultLeaseSeconds = 60;
    public const string NormalDurability = "normal";
    public const string FullDurability = "full";

    /// <summary><c>BATON_URL</c>: the server to talk to. Unset (the default) means local mode over the data directory.</summary>
    public string? Url { get; set; }

    /// <summary><c>BATON_KEY</c>: the API key sent as <c>Authorization: Bearer</c> in server mode. No default.</summary>
    public string? Key { get; set; }

    /// <summary><c>BATON_DATA_DIR</c>: default <c>$XDG_DATA_HOME/baton</c>, else <c>~/.local/share/baton</c>.</summary>
    public string DataDir { get; set; } = "";

    /// <summary><c>BATON_LISTEN</c>: <c>host:port</c> for <c>baton serve</c>. Default <c>127.0.0.1:8765</c>; port 0 picks a free one.</summary>
    public string Listen { get; set; } = DefaultListen;

    /// <summary><c>BATON_STORE</c>: <c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Store { get; set; } = SqliteStore;

    /// <summary><c>BATON_STORE_URL</c>: connection string for the <c>postgres</c> store. No default.</summary>
    public string? StoreUrl { get; set; }

    /// <summary><c>BATON_AGENT</c>: the agent name clients use when <c>--agent</c> is not given. Default: <c>&lt;cli&gt;-&lt;hostname&gt;</c>.</summary>
    public string? Agent { get; set; }

    /// <summary><c>BATON_STALE_MINUTES</c>: a session with no heartbeat for this long is stale. Default 45.</summary>
    public int StaleMinutes { get; set; } = DefaultStaleMinutes;

    /// <summary>
    /// <c>BATON_HEALTH_PROBE_SECONDS</c>: how often the server probes agents' health-check URLs (docs/architecture.md §14);
    /// 0: this server probes nothing (a replica kept off outside networks; results then come from workers only). Default 30.
    /// </summary>
    public int HealthProbeSeconds { get; set; } = DefaultHealthProbeSeconds;

    /// <summary>
    /// <c>BATON_WORKFLOW_PASS_SECONDS</c>: how often the server's workflow engine runs a pass (docs/architecture.md §17);
    /// 0: this server drives no workflows (another replica does, or a test wants them to stand still). Default 1.
    /// </summary>
    public int WorkflowPassSeconds { get; set; } = DefaultWorkflowPassSeconds;

    /// <summary>
    /// <c>BATON_LEASE_SECONDS</c>: how long a start or renew holds a running task (docs/architecture.md §14); workers
    /// renew every third of it, so a killed worker's task is taken back about this long after its last renew. Default 60.
    /// </summary>
    public int LeaseSeconds { get; set; } = DefaultLeaseSeconds;

    /// <summary><c>BATON_RATE_LIMIT</c>: requests per minute per actor; 0 turns the limit off. Default 100.</summary>
    public int RateLimit { get; set; } = DefaultRateLimit;

    /// <summary><c>BATON_VENTURES_FILE</c>: the venture registry file. Default: <c>ventures.json</c> in the data directory, when present.</summary>
    public string? VenturesFile { get; set; }

    /// <summary>
    /// <c>BATON_DURABILITY</c>: how the SQLite store commits (docs/architecture.md §8). <c>normal</c> (default,
    /// <c>synchronous=NORMAL</c>): a commit survives a killed process; <c>full</c> (<c>synchronous=FULL</c>): it also
    /// survives power loss, at an fsync per commit. The PostgreSQL store ignores it (its server decides).
    /// </summary>
    public string Durability { get; set; } = NormalDurability;

    /// <summary>The SQLite <c>synchronous</c> pragma <see cref="Durability"/> stands for: <c>NORMAL</c> or <c>FULL</c>.</summary>
    public string Synchronous => Durability == FullDurability ? "FULL" : "NORMAL";

    /// <summary>
    /// Problems found while reading the sources (a malformed <c>baton.json</c>, a number that is not a number), kept
    /// here so <see cref="Validate"/> reports them together with everything else instead of failing on the first.
    /// </summary>
    public List<string> LoadProblems { get; } = [];

    /// <summary>Where each setting came from (variable name → "--flag", "environment", "baton.json"), for messages.</summary>
    public Dictionary<string, string> Sources { get; } = new(StringComparer.Ordinal);

    /// <summary>True when <see cref="Url"/> is set: clients talk to that server instead of opening the store.</summary>
    public bool IsServerMode => !string.IsNullOrWhiteSpace(Url);

    public TimeSpan StaleAfter => TimeSpan.FromMinutes(StaleMinutes);

    /// <summary>The registry file to load: the configured one, else <c>ventures.json</c> in the data directory if it exists.</summary>
    public string? VenturesFileOrNull()
    {
        if (!string.IsNullOrWhiteSpace(VenturesFile)) return VenturesFile;
        if (DataDir.Length == 0) return null;
        var candidate = Path.Combine(DataDir, "ventures.json");
        return File.Exists(candidate) ? candidate : null;
    }

    /// <summary>Every problem with these settings, each naming the setting, its source and the allowed values. Empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>(LoadProblems);

        if (string.IsNullOrWhiteSpace(DataDir))
        {
            problems.Add($"{BatonSettingsLoader.DataDirVariable} is not set and neither XDG_DATA_HOME nor HOME is: set {BatonSettingsLoader.DataDirVariable} or pass --data-dir.");
        }

        if (!TryParseListen(Listen, out _, out _))
        {
            problems.Add($"{BatonSettingsLoader.ListenVariable}{From(BatonSettingsLoader.ListenVariable)} is '{Listen}': expected host:port with an IP address or 'localhost' as host, e.g. {DefaultListen} or [::1]:8765, and a port from 0 to 65535 (0 picks a free port).");
        }

        if (Store == PostgresStore)
        {
            if (string.IsNullOrWhiteSpace(StoreUrl))
                problems.Add($"{BatonSettingsLoader.StoreVariable}{From(BatonSettingsLoader.StoreVariable)} is 'postgres' but {BatonSettingsLoader.StoreUrlVariable} is not set: pass --store-url or set {BatonSettingsLoader.StoreUrlVariable} to a connection string (Host=…;Database=…;Username=…;Password=…) or a postgres://user:pass@host/db URL.");
        }
        else if (Store != SqliteStore)
        {
            problems.Add($"{BatonSettingsLoader.StoreVariable}{From(BatonSettingsLoader.StoreVariable)} is '{Store}': allowed values are 'sqlite' (default) and 'postgres'.");
        }

        if (StaleMinutes < 1)
        {
            problems.Add($"{BatonSettingsLoader.StaleMinutesVariable}{From(BatonSettingsLoader.StaleMinutesVariable)} is {StaleMinutes}: expected a whole number of minutes, 1 or more (default {DefaultStaleMinutes}).");
        }

        if (HealthProbeSeconds is < 0 or (> 0 and < 5))
        {
            problems.Add($"{BatonSettingsLoader.HealthProbeSecondsVariable}{From(BatonSettingsLoader.HealthProbeSecondsVariable)} is {HealthProbeSeconds}: expected a whole number of seconds, 0 (the server probes nothing) or 5 or more (a probe may take 5 s; default {DefaultHealthProbeSeconds}).");
        }

        if (WorkflowPassSeconds < 0)
        {
            problems.Add($"{BatonSettingsLoader.WorkflowPassSecondsVariable}{From(BatonSettingsLoader.WorkflowPassSecondsVariable)} is {WorkflowPassSeconds}: expected a whole number of seconds, 0 (this server drives no workflows) or more (default {DefaultWorkflowPassSeconds}).");
        }

        if (LeaseSeconds < 3)
        {
            problems.Add($"{BatonSettingsLoader.LeaseSecondsVariable}{From(BatonSettingsLoader.LeaseSecondsVariable)} is {LeaseSeconds}: expected a whole number of seconds, 3 or more (workers renew every third of it; default {DefaultLeaseSeconds}).");
        }

        if (RateLimit < 0)
        {
            problems.Add($"{BatonSettingsLoader.RateLimitVariable}{From(BatonSettingsLoader.RateLimitVariable)} is {RateLimit}: expected a whole number of requests per minute, 0 (off) or more (default {DefaultRateLimit}).");
        }

        if (Durability != NormalDurability && Durability != FullDurability)
        {
            problems.Add($"{BatonSettingsLoader.DurabilityVariable}{From(BatonSettingsLoader.DurabilityVariable)} is '{Durability}': allowed values are 'normal' (default: a commit survives a killed process) and 'full' (it also survives power loss, at an fsync per commit).");
        }

        if (IsServerMode &&
            (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            problems.Add($"{BatonSettingsLoader.UrlVariable}{From(BatonSettingsLoader.UrlVariable)} is '{Url}': expected an http:// or https:// URL, e.g. http://127.0.0.1:8765 (unset it for local mode).");
        }

        if (!string.IsNullOrWhiteSpace(VenturesFile) && !File.Exists(VenturesFile))
        {
            problems.Add($"{BatonSettingsLoader.VenturesFileVariable}{From(BatonSettingsLoader.VenturesFileVariable)} is '{VenturesFile}', which does not exist: point it at a ventures.json, or unset it to use <data-dir>/ventures.json.");
        }

        return problems;
    }

    /// <summary>
    /// Splits <c>host:port</c>; the host is an IP literal (IPv6 in brackets) or <c>localhost</c>, as the server
    /// accepts it, so a listen address that passes here also starts the server.
    /// </summary>
    public static bool TryParseListen(string? listen, out string host, out int port)
    {
        host = "";
        port = 0;
        if (string.IsNullOrWhiteSpace(listen)) return false;
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || colon == listen.Length - 1) return false;
        var hostPart = listen[..colon];
        if (hostPart.StartsWith('[') != hostPart.EndsWith(']')) return false;
        if (!hostPart.StartsWith('[') && hostPart.Contains(':')) return false; // bare IPv6 must be bracketed
        if (!int.TryParse(listen[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535) return false;
        host = hostPart.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || System.Net.IPAddress.TryParse(host, out _);
    }

    private string From(string variable) => Sources.TryGetValue(variable, out var source) ? $" (from {source})" : "";
}
