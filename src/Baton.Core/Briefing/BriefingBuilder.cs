using System.Text;
using System.Text.Json.Nodes;
using Baton.Core.Alerts;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Core.Briefing;

/// <summary>Everything a SOD briefing is made from. Lists carry their exact totals.</summary>
internal sealed record BriefingInput(
    Venture Venture,
    Session Session,
    bool Resumed,
    string ServerLabel,
    Handoff? LastHandoff,
    ListResult<Handoff> AddressedHandoffs,
    ListResult<Session> OtherActiveSessions,
    int BudgetChars,
    DateTimeOffset Now,
    BriefingKnowledge? Knowledge = null,
    BriefingOperations? Operations = null);

/// <summary>
/// The operations side of a briefing (issue 7): open default-branch alerts in briefing order (most severe, then oldest)
/// with their exact total, how many more are open on other branches, the duties due or overdue, and the self-check.
/// </summary>
internal sealed record BriefingOperations(
    ListResult<Alert> Alerts,
    long OpenOnOtherBranches,
    IReadOnlyList<CadenceState> Cadence,
    BriefingHealth Health);

/// <summary>
/// What the briefing checks about itself. <see cref="Deliveries"/>: verified webhook deliveries ever seen for the venture
/// — a venture "has webhooks configured" once one was seen. <see cref="PossiblyStaleAlerts"/>: open alerts with no
/// occurrence for <see cref="AlertRules.PossiblyStaleAfter"/>. <see cref="Schema"/>: null when not checked.
/// </summary>
internal sealed record BriefingHealth(
    long Deliveries,
    DateTimeOffset? LastDeliveryAt,
    long PossiblyStaleAlerts,
    long UnownedDeliveries,
    SchemaCheck? Schema);

/// <summary>
/// The knowledge side of a briefing (issue 3): enterprise notes already in display order (current venture, other
/// ventures, global; newest first) with their exact total, the docs index, whole docs for <see cref="DocsFormat.Full"/>,
/// and the doc audit.
/// </summary>
internal sealed record BriefingKnowledge(
    ListResult<Note> Notes,
    IReadOnlyList<DocSummary> Docs,
    IReadOnlyList<Doc> FullDocs,
    DocAuditResult? Audit,
    DocsFormat DocsFormat,
    int NotesMaxChars);

/// <summary>
/// Renders the SOD briefing of docs/architecture.md §6 as markdown: spatial anchor, directive, last handoff, handoffs addressed
/// here, other active sessions — then <see cref="BriefingComposer"/> fits it to the budget. Pure: same input, same text.
/// </summary>
internal static class BriefingBuilder
{
    /// <summary>Notes with this tag (or one of the venture's note tags) are the briefing's enterprise context.</summary>
    public const string NoteTag = "executive-summary";

    public static string Build(BriefingInput input)
    {
        var venture = input.Venture;
        var session = input.Session;
        var sections = new List<BriefingSection>
        {
            new("Last handoff",
                Weight: 4,
                Items: input.LastHandoff is null ? [] : [HandoffItem(input.LastHandoff, input.Now, LastHandoffPointer(session))],
                Total: input.LastHandoff is null ? 0 : 1,
                FetchHint: LastHandoffPointer(session),
                EmptyText: $"No handoff yet for {session.Repo} on track {session.Track}."),
            new("Handoffs addressed to this venture",
                Weight: 2,
                Items: input.AddressedHandoffs.Items.Select(h => HandoffItem(h, input.Now, $"`baton handoffs --venture {venture.Code}`")).ToList(),
                Total: input.AddressedHandoffs.Total,
                FetchHint: $"`baton handoffs --venture {venture.Code}`",
                EmptyText: "No other venture has addressed work here."),
            new("Other active sessions",
                Weight: 2,
                Items: input.OtherActiveSessions.Items.Select(s => SessionItem(s, input.Now)).ToList(),
                Total: input.OtherActiveSessions.Total,
                FetchHint: $"`baton sessions --venture {venture.Code} --status active`",
                EmptyText: "Nobody else is working on this venture right now."),
        };
        if (input.Operations is { } operations) sections.AddRange(OperationsSections(venture, operations, input.Now));
        if (input.Knowledge is { } knowledge) sections.AddRange(KnowledgeSections(venture, knowledge, input.Now));
        return BriefingComposer.Compose(Header(input), sections, input.BudgetChars);
    }

    /// <summary>The spatial anchor and the directive: always first, always whole.</summary>
    private static string Header(BriefingInput input)
    {
        var s = input.Session;
        var v = input.Venture;
        var text = new StringBuilder();
        text.Append($"# {v.Name} ({v.Code})\n");
        text.Append($"- repo: {s.Repo} · branch: {s.Branch ?? "(unknown)"} · track: {s.Track}\n");
        text.Append($"- session: {s.Id} ({(input.Resumed ? "resumed" : "new")}) · agent: {s.Agent}\n");
        text.Append($"- server: {input.ServerLabel} · {Timestamp.ToWire(input.Now)}\n\n");
        text.Append(
            $"**All GitHub issues this session target {s.Repo}. Targeting a different repo? STOP. Record the cross-venture " +
            "work as a handoff to that venture, then continue in scope.**\n\n");
        return text.ToString();
    }

    private static string LastHandoffPointer(Session s) =>
        $"`baton handoffs --venture {s.Venture} --repo {s.Repo} --track {s.Track} --limit 1 --json`";

    private static BriefingItem HandoffItem(Handoff h, DateTimeOffset now, string pointer)
    {
        var text = new StringBuilder();
        text.Append($"### {h.Summary}\n");
        text.Append($"{StatusWord(h.Status)} · from {h.FromAgent}");
        if (h.SourceVenture is not null) text.Append($" (venture {h.SourceVenture}, {h.Repo})");
        if (h.ToAgent is not null) text.Append($" · to {h.ToAgent}");
        if (h.IssueNumber is not null) text.Append($" · issue #{h.IssueNumber}");
        text.Append($" · {Age(now - h.CreatedAt)} ago · {h.Id}\n");

        var payload = JsonNode.Parse(h.Payload) as JsonObject;
        AppendList(text, "Accomplished", payload?["accomplished"]);
        AppendList(text, "In progress", payload?["in_progress"]);
        AppendList(text, "Blocked", payload?["blocked"]);
        AppendList(text, "Next steps", payload?["next_steps"]);
        AppendList(text, "Success criteria", payload?["success_criteria"]);
        return new BriefingItem(text.ToString().TrimEnd('\n'), pointer);
    }

    private static void AppendList(StringBuilder text, string label, JsonNode? node)
    {
        if (node is not JsonArray array || array.Count == 0) return;
        text.Append($"\n{label}:\n");
        foreach (var entry in array) text.Append($"- {entry?.GetValue<string>()}\n");
    }

    private static BriefingItem SessionItem(Session s, DateTimeOffset now)
    {
        var text = new StringBuilder($"- {s.Agent} · {s.Repo} · track {s.Track}");
        if (s.Branch is not null) text.Append($" · branch {s.Branch}");
        if (s.IssueNumber is not null) text.Append($" · issue #{s.IssueNumber}");
        text.Append($" · last heartbeat {Age(now - s.LastHeartbeatAt)} ago · {s.Id}");
        return new BriefingItem(text.ToString());
    }

    private static IEnumerable<BriefingSection> KnowledgeSections(Venture venture, BriefingKnowledge k, DateTimeOffset now)
    {
        yield return new BriefingSection("Enterprise notes",
            Weight: 4,
            Items: k.Notes.Items.Select(n => NoteItem(n, venture, now)).ToList(),
            Total: k.Notes.Total,
            FetchHint: $"`baton notes --venture {venture.Code} --tag executive-summary` or the `notes` tool",
            EmptyText: "No executive-summary notes yet.",
            MaxChars: k.NotesMaxChars);

        if (k.Audit is { } audit)
        {
            var findings = audit.Missing.Select(m => new BriefingItem(
                    $"- missing: {m.Scope}/{m.Name}" + (m.CanGenerate ? $" — can be generated: `baton docs heal --venture {venture.Code}`" : " — needs writing by hand")))
                .Concat(audit.Stale.Select(st => new BriefingItem(
                    $"- stale: {st.Scope}/{st.Name} — {st.AgeDays} days old (limit {st.StalenessDays})" + (st.CanGenerate ? $"; `baton docs heal --venture {venture.Code}` refreshes it" : ""))))
                .ToList();
            yield return new BriefingSection($"Doc audit: {audit.Status.ToString().ToLowerInvariant()}",
                Weight: 1,
                Items: findings,
                Total: findings.Count,
                FetchHint: $"`baton docs audit --venture {venture.Code}` or the `doc_audit` tool",
                EmptyText: $"All {audit.Required} required docs are present and fresh.");
        }

        if (k.DocsFormat == DocsFormat.None) yield break;
        var full = k.DocsFormat == DocsFormat.Full;
        var items = full
            ? k.FullDocs.Select(d => new BriefingItem($"### {d.Scope}/{d.Name} (v{d.Version})\n{d.Content.TrimEnd()}", $"`baton doc {d.Scope} {d.Name}`")).ToList()
            : k.Docs.Select(d => new BriefingItem($"- {d.Scope}/{d.Name} · v{d.Version} · {Size(d.SizeBytes)} · {d.UpdatedAt:yyyy-MM-dd}")).ToList();
        yield return new BriefingSection("Docs",
            Weight: full ? 6 : 2,
            Items: items,
            Total: k.Docs.Count,
            FetchHint: "`baton doc <scope> <name>` or the `doc` tool",
            EmptyText: "No docs yet.",
            Preamble: full ? null : "Fetch one with `baton doc <scope> <name>` (or the `doc` tool).");
    }

    /// <summary>Deliveries have stopped when none came for this long from a venture that has had them.</summary>
    public static readonly TimeSpan DeliveriesStoppedAfter = TimeSpan.FromDays(7);

    private static IEnumerable<BriefingSection> OperationsSections(Venture venture, BriefingOperations ops, DateTimeOffset now)
    {
        var allBranches = $"`baton alerts --venture {venture.Code} --all-branches`";
        yield return new BriefingSection("Open CI alerts (default branch)",
            Weight: 2,
            Items: ops.Alerts.Items.Select(a => AlertItem(a, now)).ToList(),
            Total: ops.Alerts.Total,
            FetchHint: $"`baton alerts --venture {venture.Code}`",
            EmptyText: "No open alerts on default branches.",
            Preamble: ops.OpenOnOtherBranches > 0 ? $"Also open on other branches: {ops.OpenOnOtherBranches} ({allBranches})." : null);

        yield return new BriefingSection("Recurring duties due",
            Weight: 1,
            Items: ops.Cadence.Select(c => CadenceItemText(c, now)).ToList(),
            Total: ops.Cadence.Count,
            FetchHint: $"`baton cadence list --venture {venture.Code}`",
            EmptyText: "No duty is overdue or due within 7 days.");

        var health = HealthItems(ops, now).ToList();
        yield return new BriefingSection("Briefing health",
            Weight: 1,
            Items: health,
            Total: health.Count,
            FetchHint: "`GET /v1/version` and `baton alerts`",
            EmptyText: "");
    }

    private static BriefingItem AlertItem(Alert a, DateTimeOffset now)
    {
        var text = new StringBuilder($"- [{a.Severity.ToString().ToLowerInvariant()}] {a.Repo} · {a.Workflow} · {a.Branch}");
        text.Append($" · {a.Occurrences} occurrence{(a.Occurrences == 1 ? "" : "s")} · first {Age(now - a.FirstSeen)} ago, last {Age(now - a.LastSeen)} ago · {a.Id}");
        if (a.Url is not null) text.Append($" · {a.Url}");
        return new BriefingItem(text.ToString());
    }

    private static BriefingItem CadenceItemText(CadenceState c, DateTimeOffset now)
    {
        var when = c.Status == CadenceStatus.Overdue
            ? c.Item.LastDoneAt is null ? "OVERDUE (never done)" : $"OVERDUE by {Age(now - c.DueAt)}"
            : $"due in {Age(c.DueAt - now)}";
        var scope = c.Item.Scope == Venture.Global ? " · global" : "";
        var text = $"- {c.Item.Title}{scope} · every {c.Item.IntervalDays} d · {when} · {c.Item.Id} (`baton cadence done {c.Item.Id}`)";
        return new BriefingItem(c.Item.Description is null ? text : $"{text}\n  {c.Item.Description.ReplaceLineEndings(" ")}");
    }

    private static IEnumerable<BriefingItem> HealthItems(BriefingOperations ops, DateTimeOffset now)
    {
        var h = ops.Health;
        if (h.Deliveries == 0 || h.LastDeliveryAt is null)
            yield return new BriefingItem("- webhooks: no verified GitHub delivery seen for this venture yet, so CI alerts cannot arrive (`baton webhooks secret set`, then add the hook on GitHub).");
        else if (now - h.LastDeliveryAt.Value > DeliveriesStoppedAfter)
            yield return new BriefingItem($"- ⚠ webhooks: deliveries STOPPED — the last verified one came {Age(now - h.LastDeliveryAt.Value)} ago. Alerts may be stale; check the hook's Recent Deliveries on GitHub.");
        else
            yield return new BriefingItem($"- webhooks: last verified delivery {Age(now - h.LastDeliveryAt.Value)} ago.");

        if (h.PossiblyStaleAlerts > 0)
            yield return new BriefingItem($"- ⚠ {h.PossiblyStaleAlerts} open alert{(h.PossiblyStaleAlerts == 1 ? "" : "s")} with no occurrence for {AlertRules.PossiblyStaleAfter.TotalDays:0} days — possibly stale (is the resolver receiving green runs?).");
        if (h.UnownedDeliveries > 0)
            yield return new BriefingItem($"- {h.UnownedDeliveries} deliver{(h.UnownedDeliveries == 1 ? "y" : "ies")} came for repos no venture owns (`baton alerts` names them).");

        yield return h.Schema switch
        {
            null => new BriefingItem("- schema: not checked."),
            { Matches: true } => new BriefingItem("- schema: the live database matches this build."),
            var s => new BriefingItem($"- ⚠ schema: the live database does NOT match this build (live {s.LiveHash[..12]}, expected {s.ExpectedHash[..12]}). Someone changed it by hand or a migration is missing."),
        };
    }

    private static BriefingItem NoteItem(Note n, Venture current, DateTimeOffset now)
    {
        var origin = n.Venture == current.Code ? "" : n.Venture == Venture.Global ? " · global" : $" · venture {n.Venture}";
        return new BriefingItem($"### {n.Title}{origin} · updated {Age(now - n.UpdatedAt)} ago · {n.Id}\n{n.Content.TrimEnd()}", $"`baton note show {n.Id}`");
    }

    private static string Size(int bytes) => bytes < 1024 ? $"{bytes} B" : $"{bytes / 1024.0:F1} KB";

    private static string StatusWord(HandoffStatus status) => status switch
    {
        HandoffStatus.Done => "done",
        HandoffStatus.InProgress => "in progress",
        HandoffStatus.Blocked => "BLOCKED",
        _ => status.ToString(),
    };

    /// <summary>A short human age: "45 s", "12 min", "3 h", "2 d".</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        if (age.TotalMinutes < 1) return $"{(int)age.TotalSeconds} s";
        if (age.TotalHours < 1) return $"{(int)age.TotalMinutes} min";
        if (age.TotalDays < 1) return $"{(int)age.TotalHours} h";
        return $"{(int)age.TotalDays} d";
    }
}
