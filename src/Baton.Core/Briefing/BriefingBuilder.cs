using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Activity;
using Baton.Core.Alerts;
using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Sessions;
using Baton.Core.Spend;
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
    BriefingOperations? Operations = null,
    BriefingQueue? Queue = null,
    ListResult<WaitingSession>? Waiting = null,
    ListResult<Claim>? Claims = null,
    SpendTotals? Spend = null,
    bool Preview = false);

/// <summary>
/// The orchestrator's side of a briefing (issue 14): the venture's exact task counts per state, and the venture's open
/// tasks (running, then assigned) of the registered agent whose name is the session's agent, with their exact total.
/// <see cref="AgentId"/> is null when no agent has that name (then nothing can be assigned to this session).
/// </summary>
internal sealed record BriefingQueue(TaskCounts Counts, string? AgentId, ListResult<BatonTask> Assigned);

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
/// Every piece of user-supplied text goes through <see cref="BriefingText"/> (cleaned of hidden characters, inline after
/// the builder's own text or as a quoted block), so it reads as written but cannot open a heading, fence, table row or
/// footer line of the briefing.
/// </summary>
internal static class BriefingBuilder
{
    /// <summary>Notes with this tag (or one of the venture's note tags) are the briefing's enterprise context.</summary>
    public const string NoteTag = "executive-summary";

    // How long a user-supplied name may be inside a list line (lines are shown whole or not at all, so they stay short).
    /// <summary>The header shows the session's spend while its fields may be at least this long (see <c>Header</c>).</summary>
    internal const int SpendMinFieldChars = 48;

    private const int NameChars = 80;
    private const int RepoChars = 120;
    private const int DescriptionChars = 200;
    private const int UrlChars = 300;
    private const int TitleChars = 120;

    public static string Build(BriefingInput input) => Build(input, boundHandoffs: true);

    /// <summary>
    /// <paramref name="boundHandoffs"/>: a handoff's lists are rendered only until its text is longer than the whole
    /// budget — the composer can show no more of any item than that, and cuts at a boundary inside what it can show,
    /// so the briefing is the same — and its payload is read without building it into a tree (up to 800 KB of JSON,
    /// most of it the free <c>payload</c> member the briefing never shows). False renders every entry (tests compare).
    /// </summary>
    internal static string Build(BriefingInput input, bool boundHandoffs)
    {
        var venture = input.Venture;
        var session = input.Session;
        var handoffChars = boundHandoffs ? input.BudgetChars : int.MaxValue;
        var sections = new List<BriefingSection>
        {
            new("Last handoff",
                Weight: 4,
                Items: input.LastHandoff is null ? [] : [HandoffItem(input.LastHandoff, input.Now, LastHandoffPointer(session), handoffChars)],
                Total: input.LastHandoff is null ? 0 : 1,
                FetchHint: LastHandoffPointer(session),
                EmptyText: "No handoff yet for this repo and track.",
                P0: true,
                ShortTitle: "last handoff"),
            new("Handoffs addressed to this venture",
                Weight: 2,
                Items: input.AddressedHandoffs.Items.Select(h => HandoffItem(h, input.Now, $"`baton handoffs --venture {venture.Code}`", handoffChars)).ToList(),
                Total: input.AddressedHandoffs.Total,
                FetchHint: $"`baton handoffs --venture {venture.Code}`",
                EmptyText: "No other venture has addressed work here.",
                P0: true,
                ShortTitle: "addressed handoffs"),
            new("Other active sessions",
                Weight: 2,
                Items: input.OtherActiveSessions.Items.Select(s => SessionItem(s, input.Now)).ToList(),
                Total: input.OtherActiveSessions.Total,
                FetchHint: $"`baton sessions --venture {venture.Code} --status active`",
                EmptyText: "Nobody else is working on this venture right now.",
                P0: true,
                ShortTitle: "other sessions"),
        };
        if (input.Waiting is { } waiting) sections.Add(WaitingSection(venture, waiting, input.Now));
        if (input.Queue is { } queue) sections.Add(QueueSection(venture, queue, input.BudgetChars));
        if (input.Claims is { } claims) sections.Add(ClaimsSection(session, claims, input.Now));
        if (input.Operations is { } operations) sections.AddRange(OperationsSections(venture, operations, input.Now, input.BudgetChars));
        if (input.Knowledge is { } knowledge) sections.AddRange(KnowledgeSections(venture, knowledge, input.Now));
        return BriefingComposer.Compose(Header(input), sections, input.BudgetChars);
    }

    /// <summary>
    /// The spatial anchor and the directive: always first, always whole. Every field is at most
    /// the number of characters the composer passes (shortened with "…" at a text-element boundary), so it can
    /// make the header fit the smallest budget.
    /// </summary>
    private static Func<int, string> Header(BriefingInput input) => fieldChars =>
    {
        var s = input.Session;
        var v = input.Venture;
        string F(string? value) => BriefingText.Inline(value, fieldChars);
        var repo = F(s.Repo);
        var text = new StringBuilder();
        text.Append($"# {F(v.Name)} ({BriefingText.Inline(v.Code)})\n");
        text.Append($"- repo: {repo} · branch: {(s.Branch is null ? "(unknown)" : F(s.Branch))} · track: {F(s.Track)}\n");
        // A preview (the dashboard's "what will my agent see") was composed for a session that was never stored: its
        // header says so instead of naming an id nobody can use.
        text.Append(input.Preview
            ? $"- session: none (preview: no session was created) · agent: {F(s.Agent)}"
            : $"- session: {BriefingText.Inline(s.Id)} ({(input.Resumed ? "resumed" : "new")}) · agent: {F(s.Agent)}");
        // The session's spend so far, when it has any: a few words, left out once the fields are squeezed below
        // SpendMinFieldChars, so the smallest headers — what the 1,000-character budget is sized on — stay as they were.
        if (fieldChars >= SpendMinFieldChars && SpendRules.HeaderText(input.Spend) is { } spent) text.Append($" · {spent}");
        text.Append('\n');
        text.Append($"- server: {F(input.ServerLabel)} · {Timestamp.ToWire(input.Now)}\n\n");
        text.Append(
            $"**All GitHub issues this session target {repo}. Targeting a different repo? STOP. Record the cross-venture " +
            "work as a handoff to that venture, then continue in scope.**\n\n");
        return text.ToString();
    };

    private static string LastHandoffPointer(Session s) =>
        $"`baton handoffs --venture {BriefingText.OneLine(s.Venture)} --repo {BriefingText.OneLine(s.Repo)} --track {BriefingText.OneLine(s.Track)} --limit 1 --json`";

    /// <summary>
    /// A handoff: its summary's first line as the item heading, a line of facts, the rest of the summary as a quoted
    /// block, then each list with its entries as <c>*</c> bullets (so no entry can pass for one of the composer's
    /// <c>- </c> lines), an entry's further lines quoted under it. Entries stop once the text is longer than
    /// <paramref name="maxChars"/>: whole entries only, so every line the composer may show or cut inside is whole.
    /// </summary>
    private static BriefingItem HandoffItem(Handoff h, DateTimeOffset now, string pointer, int maxChars)
    {
        var summary = DisplayText.Clean(h.Summary).Trim();
        var breakAt = summary.IndexOf('\n');
        var (title, rest) = breakAt < 0 ? (summary, "") : (summary[..breakAt], summary[(breakAt + 1)..]);

        var text = new StringBuilder();
        text.Append($"### {(title.Trim().Length == 0 ? "(no summary)" : BriefingText.Inline(title))}\n");
        text.Append($"{StatusWord(h.Status)} · from {BriefingText.Inline(h.FromAgent, NameChars)}");
        if (h.SourceVenture is not null) text.Append($" (venture {BriefingText.Inline(h.SourceVenture)}, {BriefingText.Inline(h.Repo, RepoChars)})");
        if (h.ToAgent is not null) text.Append($" · to {BriefingText.Inline(h.ToAgent, NameChars)}");
        if (h.IssueNumber is not null) text.Append($" · issue #{h.IssueNumber}");
        text.Append($" · {Age(now - h.CreatedAt)} ago · {BriefingText.Inline(h.Id)}\n");
        if (rest.Trim().Length > 0) text.Append(BriefingText.Block(rest)).Append('\n');

        AppendLists(text, h.Payload, maxChars);
        return new BriefingItem(text.ToString().TrimEnd('\n'), pointer, BriefingText.Inline(h.Id));
    }

    /// <summary>The payload members the briefing shows, in the order it shows them, with their labels.</summary>
    private static readonly (string Member, string Label)[] HandoffLists =
    [
        ("accomplished", "Accomplished"), ("in_progress", "In progress"), ("blocked", "Blocked"), ("next_steps", "Next steps"),
        ("success_criteria", "Success criteria"),
    ];

    /// <summary>
    /// The payload's lists (when it is a JSON object), each under its label, until the text is longer than
    /// <paramref name="maxChars"/>. One forward pass finds where each list is, skipping every other member; then only
    /// the lists shown are read, entry by entry. An entry that is not a string shows as its JSON.
    /// </summary>
    private static void AppendLists(StringBuilder text, string payload, int maxChars)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(payload));
        try
        {
            var json = buffer.AsSpan(0, Encoding.UTF8.GetBytes(payload, buffer));
            var lists = new Range?[HandoffLists.Length];
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var index = -1;
                for (var i = 0; i < HandoffLists.Length && index < 0; i++)
                    if (reader.ValueTextEquals(HandoffLists[i].Member)) index = i;
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var isArray = reader.TokenType == JsonTokenType.StartArray;
                reader.Skip();
                if (index >= 0 && isArray) lists[index] = start..(int)reader.BytesConsumed;
            }

            for (var i = 0; i < lists.Length && text.Length <= maxChars; i++)
                if (lists[i] is { } list) AppendList(text, HandoffLists[i].Label, json[list], maxChars);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void AppendList(StringBuilder text, string label, ReadOnlySpan<byte> array, int maxChars)
    {
        var reader = new Utf8JsonReader(array);
        reader.Read(); // the array's start
        var labelled = false;
        while (text.Length <= maxChars && reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var raw = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Null => "",
                _ => JsonNode.Parse(ref reader)!.ToJsonString(),
            };
            var value = DisplayText.Clean(raw).Trim();
            if (value.Length == 0) continue;
            if (!labelled) text.Append($"\n{label}:\n");
            labelled = true;
            var breakAt = value.IndexOf('\n');
            var (first, rest) = breakAt < 0 ? (value, "") : (value[..breakAt], value[(breakAt + 1)..]);
            text.Append("* ").Append(BriefingText.EscapeLineStart(BriefingText.Inline(first))).Append('\n');
            if (rest.Trim().Length > 0) text.Append(BriefingText.Block(rest, indent: "  ")).Append('\n');
        }
    }

    public const string WaitingTitle = "Waiting for a human";

    /// <summary>
    /// The venture's other sessions waiting for a human (docs/architecture.md §15), longest wait first, each with how
    /// long it has waited, why and what it said. P0 while anyone waits — a person reading the briefing may be the one
    /// they wait for; with nobody waiting it is an ordinary section of weight 1, so the smallest budgets are not spent
    /// on saying "none" (the same rule as "Your tasks").
    /// </summary>
    private static BriefingSection WaitingSection(Venture venture, ListResult<WaitingSession> waiting, DateTimeOffset now) =>
        new(WaitingTitle,
            Weight: waiting.Total > 0 ? 2 : 1,
            Items: waiting.Items.Select(w => WaitingItem(w, now)).ToList(),
            Total: waiting.Total,
            FetchHint: $"`baton waiting --venture {venture.Code}`",
            EmptyText: "No other session is waiting for a human.",
            P0: waiting.Total > 0,
            ShortTitle: "waiting");

    private static BriefingItem WaitingItem(WaitingSession w, DateTimeOffset now)
    {
        var text = new StringBuilder($"- **{Bold(w.Agent)}** · waiting {Age(now - w.Since)} ({BriefingText.Inline(w.Reason, NameChars)})");
        if (w.Repo is not null) text.Append($" · {BriefingText.Inline(w.Repo, RepoChars)}");
        if (w.MachineHost is not null) text.Append($" · on {BriefingText.Inline(w.MachineHost, NameChars)}");
        text.Append($" · {BriefingText.Inline(w.SessionId)}");
        if (!string.IsNullOrWhiteSpace(w.Message)) text.Append($" — {BriefingText.Inline(w.Message, DescriptionChars)}");
        return new BriefingItem(text.ToString());
    }

    /// <summary>A line per session, led by the agent in bold so no agent name can pass for one of the composer's lines.</summary>
    private static BriefingItem SessionItem(Session s, DateTimeOffset now)
    {
        var text = new StringBuilder($"- **{Bold(s.Agent)}** · {BriefingText.Inline(s.Repo, RepoChars)} · track {BriefingText.Inline(s.Track, NameChars)}");
        if (s.Branch is not null) text.Append($" · branch {BriefingText.Inline(s.Branch, NameChars)}");
        if (s.IssueNumber is not null) text.Append($" · issue #{s.IssueNumber}");
        text.Append($" · last heartbeat {Age(now - s.LastHeartbeatAt)} ago · {BriefingText.Inline(s.Id)}");
        return new BriefingItem(text.ToString());
    }

    /// <summary>
    /// The tasks assigned to the caller (docs/architecture.md §6): the heading counts them honestly, the preamble under
    /// it gives the venture's exact queue counts (queued, running, failed, dead and the total). P0 when the caller has
    /// any: its heading, counts and first task are claimed before any share. With none it is an ordinary section, so
    /// the smallest budgets are not spent on saying "none" about work nobody gave this agent. Below
    /// <see cref="QueueCountsMinBudget"/> the queue line is left out: with every P0 section full, the claims of the
    /// header, the footer and six headings leave no room for it at 1,000 characters (it is not a count of what the
    /// section shows, so leaving it out hides no item).
    /// </summary>
    private static BriefingSection QueueSection(Venture venture, BriefingQueue queue, int budgetChars)
    {
        return new BriefingSection(QueueTitle,
            Weight: 2,
            Items: queue.Assigned.Items.Select(TaskItem).ToList(),
            Total: queue.Assigned.Total,
            FetchHint: $"`baton tasks list --venture {venture.Code}{(queue.AgentId is null ? "" : " --agent " + BriefingText.OneLine(queue.AgentId))}`",
            EmptyText: queue.AgentId is null ? QueueNoAgentText : QueueEmptyText,
            Preamble: budgetChars >= QueueCountsMinBudget ? QueueCounts(queue.Counts) : null,
            P0: queue.Assigned.Total > 0,
            ShortTitle: "tasks");
    }

    public const string QueueTitle = "Your tasks";

    public const string ClaimsTitle = "Claims in this repo";
    public const string ClaimsEmptyText = "No other session holds a claim in this repo.";

    /// <summary>
    /// The other live sessions' claims in the session's repo (docs/architecture.md §15 Claims), newest first, with the
    /// exact total read in the briefing's snapshot. Not P0: a claim that matters refuses the claim or the commit that
    /// meets it, naming its holder, so the smallest budgets keep their room for the P0 facts.
    /// </summary>
    private static BriefingSection ClaimsSection(Session session, ListResult<Claim> claims, DateTimeOffset now) =>
        new(ClaimsTitle,
            Weight: 2,
            Items: claims.Items.Select(c => ClaimItem(c, now)).ToList(),
            Total: claims.Total,
            FetchHint: $"`baton claims --repo {BriefingText.OneLine(session.Repo)}`",
            EmptyText: ClaimsEmptyText,
            ShortTitle: "claims");

    private static BriefingItem ClaimItem(Claim c, DateTimeOffset now)
    {
        var target = c.IssueNumber is { } issue ? $"issue #{issue}" : string.Join(" ", c.Files.Select(f => BriefingText.Inline(f, NameChars)));
        var mode = c.Mode == ClaimMode.Exclusive ? "exclusive" : "shared";
        return new BriefingItem($"- **{Bold(c.Agent)}** · {mode} · {target} · since {Age(now - c.CreatedAt)} ago · {BriefingText.Inline(c.Id)} · {BriefingText.Inline(c.SessionId)}");
    }

    /// <summary>The smallest budget whose briefing carries the queue's counts line.</summary>
    public const int QueueCountsMinBudget = 2_000;
    public const string QueueEmptyText = "None in this venture.";
    public const string QueueNoAgentText = "None: no agent is registered under this name.";

    /// <summary>
    /// The venture's queue in one line of exact counts — queued, running, failed, dead and the total of every state —
    /// short, because a P0 section's preamble is claimed even at the smallest budget.
    /// </summary>
    public static string QueueCounts(TaskCounts c) =>
        $"Queue: {N(c.Queued)} queued{(c.Held > 0 ? $" ({N(c.Held)} held by the daily budget)" : "")} · {N(c.Running)} running · {N(c.Failed)} failed · {N(c.Dead)} dead · {N(c.Total)} in all";

    private static string N(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A line per task, led by its state in brackets and its title in bold, so no title can pass for one of the composer's lines.</summary>
    private static BriefingItem TaskItem(BatonTask t)
    {
        var id = BriefingText.Inline(t.Id);
        return new BriefingItem($"- [{TaskStateWord(t.State)}] **{Bold(t.Title, TitleChars)}** · " +
                                $"{BriefingText.Inline(t.Capability, NameChars)} · priority {t.Priority} · attempt {t.Attempt}/{t.MaxAttempts} · {id} (`baton tasks show {id}`)");
    }

    private static string TaskStateWord(TaskState state) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(state.ToString());

    /// <summary>A name inside <c>**…**</c>: its own asterisks escaped so it cannot end the bold early.</summary>
    private static string Bold(string? name, int maxChars = NameChars) => BriefingText.Inline(name, maxChars).Replace("*", "\\*", StringComparison.Ordinal);

    private static IEnumerable<BriefingSection> KnowledgeSections(Venture venture, BriefingKnowledge k, DateTimeOffset now)
    {
        yield return new BriefingSection("Enterprise notes",
            Weight: 4,
            Items: k.Notes.Items.Select(n => NoteItem(n, venture, now)).ToList(),
            Total: k.Notes.Total,
            FetchHint: $"`baton notes --venture {venture.Code} --tag executive-summary` or the `notes` tool",
            EmptyText: "No executive-summary notes yet.",
            MaxChars: k.NotesMaxChars,
            ShortTitle: "notes");

        if (k.Audit is { } audit)
        {
            var findings = audit.Missing.Select(m => new BriefingItem(
                    $"- missing: {DocName(m.Scope, m.Name)}" + (m.CanGenerate ? $" — can be generated: `baton docs heal --venture {venture.Code}`" : " — needs writing by hand")))
                .Concat(audit.Stale.Select(st => new BriefingItem(
                    $"- stale: {DocName(st.Scope, st.Name)} — {st.AgeDays} days old (limit {st.StalenessDays})" + (st.CanGenerate ? $"; `baton docs heal --venture {venture.Code}` refreshes it" : ""))))
                .ToList();
            yield return new BriefingSection($"Doc audit: {audit.Status.ToString().ToLowerInvariant()}",
                Weight: 1,
                Items: findings,
                Total: findings.Count,
                FetchHint: $"`baton docs audit --venture {venture.Code}` or the `doc_audit` tool",
                EmptyText: $"All {audit.Required} required docs are present and fresh.",
                ShortTitle: "doc audit");
        }

        if (k.DocsFormat == DocsFormat.None) yield break;
        var full = k.DocsFormat == DocsFormat.Full;
        var items = full
            ? k.FullDocs.Select(d => new BriefingItem($"### {DocName(d.Scope, d.Name)} (v{d.Version})\n{BriefingText.Block(d.Content)}",
                $"`baton doc {BriefingText.OneLine(d.Scope)} {BriefingText.OneLine(d.Name)}`", DocName(d.Scope, d.Name))).ToList()
            : k.Docs.Select(d => new BriefingItem($"- {DocName(d.Scope, d.Name)} · v{d.Version} · {Size(d.SizeBytes)} · {d.UpdatedAt:yyyy-MM-dd}")).ToList();
        yield return new BriefingSection("Docs",
            Weight: full ? 6 : 2,
            Items: items,
            Total: k.Docs.Count,
            FetchHint: "`baton doc <scope> <name>` or the `doc` tool",
            EmptyText: "No docs yet.",
            Preamble: full ? null : "Fetch one with `baton doc <scope> <name>` (or the `doc` tool).",
            ShortTitle: "docs");
    }

    /// <summary>Deliveries have stopped when none came for this long from a venture that has had them.</summary>
    public static readonly TimeSpan DeliveriesStoppedAfter = TimeSpan.FromDays(7);

    private static IEnumerable<BriefingSection> OperationsSections(Venture venture, BriefingOperations ops, DateTimeOffset now, int budgetChars)
    {
        // Below the smallest budget that carries commands the count stays (it is a fact about the venture) and its
        // command goes, as the compact footer's commands do: with six P0 headings, the header and the footer at their
        // longest, the command's 60 characters are what 1,000 cannot hold.
        var allBranches = budgetChars >= QueueCountsMinBudget ? $" (`baton alerts --venture {venture.Code} --all-branches`)" : "";
        yield return new BriefingSection("Open CI alerts (default branch)",
            Weight: 2,
            Items: ops.Alerts.Items.Select(a => AlertItem(a, now)).ToList(),
            Total: ops.Alerts.Total,
            FetchHint: $"`baton alerts --venture {venture.Code}`",
            EmptyText: "No open alerts on default branches.",
            Preamble: ops.OpenOnOtherBranches > 0 ? $"Also open on other branches: {ops.OpenOnOtherBranches}{allBranches}." : null,
            P0: true,
            ShortTitle: "alerts");

        // Overdue duties are P0; the heading says how many of the listed ones are overdue, not only due.
        var overdue = ops.Cadence.Count(c => c.Status == CadenceStatus.Overdue);
        yield return new BriefingSection("Recurring duties due",
            Weight: 1,
            Items: ops.Cadence.Select(c => CadenceItemText(c, now)).ToList(),
            Total: ops.Cadence.Count,
            FetchHint: $"`baton cadence list --venture {venture.Code}`",
            EmptyText: "No duty is overdue or due within 7 days.",
            P0: true,
            CountNote: ops.Cadence.Count == 0 ? null : $"{overdue} overdue",
            ShortTitle: "duties");

        var health = HealthItems(ops, now).ToList();
        yield return new BriefingSection("Briefing health",
            Weight: 1,
            Items: health,
            Total: health.Count,
            FetchHint: "`GET /v1/version` and `baton alerts`",
            EmptyText: "",
            ShortTitle: "health");
    }

    private static BriefingItem AlertItem(Alert a, DateTimeOffset now)
    {
        var text = new StringBuilder($"- [{a.Severity.ToString().ToLowerInvariant()}] {BriefingText.Inline(a.Repo, RepoChars)} · {BriefingText.Inline(a.Workflow, NameChars)} · {BriefingText.Inline(a.Branch, NameChars)}");
        text.Append($" · {a.Occurrences} occurrence{(a.Occurrences == 1 ? "" : "s")} · first {Age(now - a.FirstSeen)} ago, last {Age(now - a.LastSeen)} ago · {BriefingText.Inline(a.Id)}");
        // A link is shown whole or not at all: a shortened one would lead somewhere else.
        var url = BriefingText.Inline(a.Url);
        if (url.Length is > 0 and <= UrlChars) text.Append($" · {url}");
        return new BriefingItem(text.ToString());
    }

    private static BriefingItem CadenceItemText(CadenceState c, DateTimeOffset now)
    {
        var when = c.Status == CadenceStatus.Overdue
            ? c.Item.LastDoneAt is null ? "OVERDUE (never done)" : $"OVERDUE by {Age(now - c.DueAt)}"
            : $"due in {Age(c.DueAt - now)}";
        var scope = c.Item.Scope == Venture.Global ? " · global" : "";
        var id = BriefingText.Inline(c.Item.Id);
        var text = $"- **{Bold(c.Item.Title)}**{scope} · every {c.Item.IntervalDays} d · {when} · {id} (`baton cadence done {id}`)";
        var description = BriefingText.Inline(c.Item.Description, DescriptionChars);
        return new BriefingItem(description.Length == 0 ? text : $"{text} — {description}");
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
        var origin = n.Venture == current.Code ? "" : n.Venture == Venture.Global ? " · global" : $" · venture {BriefingText.Inline(n.Venture)}";
        var id = BriefingText.Inline(n.Id);
        var title = BriefingText.Inline(n.Title);
        return new BriefingItem($"### {(title.Length == 0 ? "(untitled)" : title)}{origin} · updated {Age(now - n.UpdatedAt)} ago · {id}\n{BriefingText.Block(n.Content)}",
            $"`baton note show {id}`", id);
    }

    private static string DocName(string scope, string name) => $"{BriefingText.Inline(scope)}/{BriefingText.Inline(name)}";

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
