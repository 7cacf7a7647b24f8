using Baton.Core.Orchestration;
using Baton.Core.Sessions;

namespace Baton.Hosting;

/// <summary>
/// What the composition root needs to know besides the store. A plain class with documented defaults;
/// <see cref="Validate"/> reports every problem at once, with the allowed values, and <see cref="BatonHostingExtensions.AddBaton"/>
/// refuses to register anything on any.
/// </summary>
public sealed class BatonOptions
{
    /// <summary>No heartbeat for this long and a session is stale. Default 45 minutes.</summary>
    public TimeSpan StaleAfter { get; set; } = SessionRules.DefaultStaleAfter;

    /// <summary>How briefing headers name where the answer came from: the server's URL, or <c>local: &lt;path&gt;</c>. Default "local".</summary>
    public string ServerLabel { get; set; } = "local";

    /// <summary>
    /// The venture registry file, loaded and upserted at start when it exists; null when there is none. A file that
    /// does not exist yet is fine unless <see cref="VenturesFileRequired"/> (a path someone named explicitly).
    /// </summary>
    public string? VenturesFile { get; set; }

    /// <summary>True when <see cref="VenturesFile"/> was named explicitly: a missing file then stops the start.</summary>
    public bool VenturesFileRequired { get; set; }

    /// <summary>
    /// Keep watching <see cref="VenturesFile"/> and upsert it again whenever it changes (a server that runs for weeks
    /// must see the file someone edits or adds later). Default false: a CLI run reads it once anyway.
    /// </summary>
    public bool WatchVenturesFile { get; set; }

    /// <summary>How long request-log rows are kept. Default 7 days.</summary>
    public TimeSpan RequestLogRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long an Idempotency-Key is remembered. Default 1 hour.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often old request-log rows and expired idempotency records are deleted. Default 10 minutes; the first run
    /// is one interval after start, so a short-lived CLI process never pays for it.
    /// </summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often the workflow engine runs a pass (docs/architecture.md §17): default 1 s; zero turns the engine off in
    /// this process (another replica, or none, drives the workflows).
    /// </summary>
    public TimeSpan WorkflowPassInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The orchestrator's times and exploration rule (docs/architecture.md §11, §13).</summary>
    public OrchestrationOptions Orchestration { get; set; } = new();

    /// <summary>Every problem with these options, each naming the allowed values; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (StaleAfter <= TimeSpan.Zero)
            problems.Add($"StaleAfter: {StaleAfter} must be positive (e.g. 45 minutes).");
        if (string.IsNullOrWhiteSpace(ServerLabel))
            problems.Add("ServerLabel: required (the server URL, or local: <path>).");
        if (RequestLogRetention <= TimeSpan.Zero)
            problems.Add($"RequestLogRetention: {RequestLogRetention} must be positive (e.g. 7 days).");
        if (IdempotencyRetention <= TimeSpan.Zero)
            problems.Add($"IdempotencyRetention: {IdempotencyRetention} must be positive (e.g. 1 hour).");
        if (PurgeInterval <= TimeSpan.Zero)
            problems.Add($"PurgeInterval: {PurgeInterval} must be positive (e.g. 10 minutes).");
        if (WorkflowPassInterval < TimeSpan.Zero)
            problems.Add($"WorkflowPassInterval: {WorkflowPassInterval} must be zero (no engine in this process) or positive (e.g. 1 second).");
        problems.AddRange(Orchestration.Validate().Select(p => "Orchestration." + p));
        return problems;
    }
}

/// <summary>Thrown by <see cref="BatonHostingExtensions.AddBaton"/> when the options are unusable; the message lists every problem.</summary>
public sealed class BatonOptionsException(IReadOnlyList<string> problems)
    : Exception("The options are not valid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
