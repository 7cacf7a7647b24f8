using System.Globalization;
using System.Net;
using Baton.Core.Orchestration;

namespace Baton.Server;

/// <summary>
/// Everything <c>baton serve</c> can be told. A plain class with documented defaults; <see cref="Validate"/> reports
/// every problem at once (with the allowed values) and <see cref="BatonServerHost.StartAsync"/> refuses to start on any.
/// </summary>
public sealed class ServerOptions
{
    /// <summary>Directory holding <c>baton.db</c>, <c>admin.key</c> and (by default) <c>ventures.json</c>. Required.</summary>
    public string DataDir { get; set; } = "";

    /// <summary>
    /// Which store: <c>sqlite</c> (default: a file in <see cref="DataDir"/>) or <c>postgres</c> (<see cref="StoreUrl"/>;
    /// several replicas may share it).
    /// </summary>
    public string Store { get; set; } = "sqlite";

    /// <summary>PostgreSQL connection string or <c>postgres://</c> URL; required when <see cref="Store"/> is <c>postgres</c>.</summary>
    public string? StoreUrl { get; set; }

    /// <summary><c>host:port</c> to listen on. Default <c>127.0.0.1:8765</c>; port 0 picks a free port.</summary>
    public string Listen { get; set; } = "127.0.0.1:8765";

    /// <summary>The venture registry loaded and upserted at start. Default: <c>&lt;DataDir&gt;/ventures.json</c> if it exists.</summary>
    public string? VenturesFile { get; set; }

    /// <summary>No heartbeat for this long and a session is stale. Default 45 minutes.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(45);

    /// <summary>How often agents' health-check URLs are probed (§14). Default 30 s; zero: this server probes nothing.</summary>
    public TimeSpan HealthProbeInterval { get; set; } = new OrchestrationOptions().HealthProbeInterval;

    /// <summary>How often the workflow engine runs a pass (docs/architecture.md §17); zero: this server drives no workflows.</summary>
    public TimeSpan WorkflowPassInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a start or renew holds a running task (<see cref="OrchestrationOptions.LeaseTtl"/>, 60 s).</summary>
    public TimeSpan LeaseTtl { get; set; } = new OrchestrationOptions().LeaseTtl;

    /// <summary>Requests a minute per actor (API key). Default 100; 0 turns rate limiting off.</summary>
    public int RateLimitPerMinute { get; set; } = 100;

    /// <summary>SQLite <c>synchronous</c> pragma: <c>NORMAL</c> (default) or <c>FULL</c>.</summary>
    public string Synchronous { get; set; } = "NORMAL";

    /// <summary>Largest request body accepted, in bytes; larger is 413 <c>request_too_large</c>. Default 1 MB (1,048,576).</summary>
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long request-log rows are kept. Default 7 days.</summary>
    public TimeSpan RequestLogRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long an Idempotency-Key is remembered. Default 1 hour.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Every problem with these options, each naming the allowed values; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDir))
            problems.Add("DataDir: required (a directory path; it is created if missing).");
        if (!TryParseListen(Listen, out _, out _))
            problems.Add($"Listen: '{Listen}' is not host:port (host an IP address or 'localhost', port 0–65535; e.g. 127.0.0.1:8765).");
        problems.AddRange(StoreOptions(DataDir).Validate());
        if (StaleAfter <= TimeSpan.Zero)
            problems.Add($"StaleAfter: {StaleAfter} must be positive (e.g. 45 minutes).");
        if (RateLimitPerMinute < 0)
            problems.Add($"RateLimitPerMinute: {RateLimitPerMinute} must be 0 (off) or a positive number of requests a minute.");
        if (MaxRequestBodyBytes < 1024)
            problems.Add($"MaxRequestBodyBytes: {MaxRequestBodyBytes} must be at least 1024.");
        if (RequestLogRetention <= TimeSpan.Zero)
            problems.Add($"RequestLogRetention: {RequestLogRetention} must be positive (e.g. 7 days).");
        if (IdempotencyRetention <= TimeSpan.Zero)
            problems.Add($"IdempotencyRetention: {IdempotencyRetention} must be positive (e.g. 1 hour).");
        return problems;
    }

    /// <summary>Which store, for the composition root (which validates it with the rest).</summary>
    internal Baton.Hosting.StoreOptions StoreOptions(string dataDir) =>
        new() { Kind = Store, Url = StoreUrl, DataDir = dataDir, Synchronous = Synchronous };

    /// <summary>Parses <c>host:port</c>; the host is an IP literal (IPv6 in brackets) or <c>localhost</c> (= 127.0.0.1).</summary>
    internal static bool TryParseListen(string? listen, out IPAddress address, out int port)
    {
        address = IPAddress.Loopback;
        port = 0;
        if (string.IsNullOrWhiteSpace(listen)) return false;
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || colon == listen.Length - 1) return false;
        var host = listen[..colon].Trim('[', ']');
        if (!int.TryParse(listen.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
            return false;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out address!);
    }
}

/// <summary>Thrown by <see cref="BatonServerHost.StartAsync"/> when the options are unusable; the message lists every problem.</summary>
public sealed class ServerOptionsException(IReadOnlyList<string> problems)
    : Exception("The server options are not valid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// <see cref="BatonServerHost.StartAsync"/> could not start for a reason outside the options: the data directory is not
/// writable, or the listen address cannot be bound. The message is one line naming what and why.
/// </summary>
public sealed class ServerStartException(string message, Exception inner) : Exception(message, inner);
