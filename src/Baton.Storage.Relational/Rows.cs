using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Alerts;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Handoffs;
using Baton.Core.Keys;
using Baton.Core.Knowledge;
using Baton.Core.Requests;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Storage.Relational;

/// <summary>
/// Maps rows to domain records and records to column values, once for both SQL stores: the tables have the same
/// columns with the same meaning (timestamps are unix milliseconds, enums their snake_case wire names), so only
/// booleans and lists go through <typeparamref name="TDialect"/>. Rows are read by column name, so a query may
/// select other columns around them (a total, a rank, a table alias).
/// </summary>
internal static class Rows<TDialect> where TDialect : ISqlDialect
{
    public const string SessionColumns =
        "id, agent, cli, host, venture, repo, track, issue_number, branch, commit_sha, status, end_reason, created_at, " +
        "last_heartbeat_at, ended_at, actor_key_id, creation_correlation_id, meta, native_session_id, native_cli";

    public const string HandoffColumns =
        "id, session_id, venture, repo, track, issue_number, from_agent, to_agent, status, summary, payload, payload_hash, " +
        "payload_size_bytes, source_venture, created_at, actor_key_id, creation_correlation_id, drafted_by, drafted_from";

    public const string VentureColumns = "code, name, org, repos, capabilities, secrets_path, design_spec, platform, note_tags, daily_budget_usd, follow_ups, workflow";

    public const string ApiKeyColumns = "id, name, role, venture, key_hash, actor_key_id, created_at, revoked_at, created_by";

    public const string RequestLogColumns =
        "timestamp, correlation_id, route, method, status, duration_ms, actor_key_id, venture, error_code";

    public const string NoteColumns =
        "id, venture, title, content, tags, archived, created_at, updated_at, actor_key_id, source";

    /// <summary>The columns <c>docs</c> and <c>doc_versions</c> share: everything a <see cref="Doc"/> holds.</summary>
    public const string DocColumns =
        "scope, name, title, content, content_hash, size_bytes, doc_type, version, updated_at, uploaded_by, source_repo, " +
        "source_path, generated";

    /// <summary>What the docs index reads: never the content.</summary>
    public const string DocSummaryColumns = "scope, name, title, version, size_bytes, updated_at, doc_type, generated, content_hash";

    public const string DocRequirementColumns =
        "id, name_pattern, scope_type, venture, capability, staleness_days, auto_generate, generation_sources, created_at";

    public const string MachineColumns =
        "id, hostname, os, arch, address, ssh_public_key, ssh_user, registered_at, last_seen_at, actor_key_id";

    public const string AlertColumns =
        "id, venture, repo, workflow, branch, source, severity, status, on_default_branch, first_seen, last_seen, occurrences, url, " +
        "resolved_at, resolved_by, resolution_reason, last_run_created_at, last_run_number";

    public const string CadenceColumns = "id, scope, title, description, interval_days, created_at, last_done_at, last_done_by";

    // The parameter lists of the inserts, made from the column lists so a value can never land in the wrong column.
    public static readonly string SessionValues = Values(SessionColumns);
    public static readonly string HandoffValues = Values(HandoffColumns);
    public static readonly string VentureValues = Values(VentureColumns);
    public static readonly string ApiKeyValues = Values(ApiKeyColumns);
    public static readonly string NoteValues = Values(NoteColumns);
    public static readonly string DocValues = Values(DocColumns);
    public static readonly string DocRequirementValues = Values(DocRequirementColumns);
    public static readonly string MachineValues = Values(MachineColumns);
    public static readonly string CadenceValues = Values(CadenceColumns);
    public static readonly string AlertValues = Values(AlertColumns);

    /// <summary>
    /// A handoff Baton drafted (docs/architecture.md §15), inserted once per (session, trigger): a second draft of the
    /// same trigger inserts nothing (the unique index <c>handoffs_drafted_once</c>), so two replicas drafting the same
    /// forwarded event store one. Run only when <see cref="AgentHandoffCountSql"/> finds none, in the same transaction.
    /// </summary>
    public static readonly string InsertDraftHandoffSql =
        $"INSERT INTO handoffs ({HandoffColumns}) VALUES ({HandoffValues}) ON CONFLICT DO NOTHING";

    /// <summary>How many handoffs the session's agent wrote itself (a draft never stands in for one).</summary>
    public static readonly string AgentHandoffCountSql =
        $"SELECT count(*) FROM handoffs WHERE session_id = {TDialect.Parameter("session_id")} AND drafted_by IS NULL";

    /// <summary>The draft stored for a (session, trigger), if any.</summary>
    public static readonly string FindDraftHandoffSql =
        $"SELECT {HandoffColumns} FROM handoffs WHERE session_id = {TDialect.Parameter("session_id")} AND drafted_from = {TDialect.Parameter("drafted_from")}";

    public static (string Name, object? Value)[] DraftKeyArgs(Handoff h) =>
        [Arg("session_id", h.SessionId), Arg("drafted_from", h.DraftedFrom)];

    public static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? Ms(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static string Text<T>(T value) where T : struct, Enum => EnumText<T>.ToText[value];

    public static string? Text<T>(T? value) where T : struct, Enum => value is { } v ? EnumText<T>.ToText[v] : null;

    /// <summary>A list as its column takes it.</summary>
    public static object List(IReadOnlyList<string> values) => TDialect.ListValue(values);

    /// <summary>A boolean as its column takes it.</summary>
    public static object Bool(bool value) => TDialect.BoolValue(value);

    /// <summary><paramref name="columns"/> with each prefixed by <paramref name="alias"/>, for a query that joins.</summary>
    public static string Qualified(string columns, string alias) =>
        string.Join(", ", columns.Split(", ").Select(c => $"{alias}.{c}"));

    /// <summary>Each of <paramref name="columns"/> as a parameter of the same name, in the same order.</summary>
    public static string Values(string columns) => string.Join(", ", columns.Split(", ").Select(TDialect.Parameter));

    public static Session Session(DbDataReader r) => new(
        Id: r.Str("id"),
        Agent: r.Str("agent"),
        Cli: r.StrOrNull("cli"),
        Host: r.StrOrNull("host"),
        Venture: r.Str("venture"),
        Repo: r.Str("repo"),
        Track: r.Str("track"),
        IssueNumber: r.IntOrNull("issue_number"),
        Branch: r.StrOrNull("branch"),
        CommitSha: r.StrOrNull("commit_sha"),
        Status: EnumText<SessionStatus>.Parse(r.Str("status")),
        EndReason: r.StrOrNull("end_reason") is { } reason ? EnumText<EndReason>.Parse(reason) : null,
        CreatedAt: r.Time("created_at"),
        LastHeartbeatAt: r.Time("last_heartbeat_at"),
        EndedAt: r.TimeOrNull("ended_at"),
        ActorKeyId: r.StrOrNull("actor_key_id"),
        CreationCorrelationId: r.StrOrNull("creation_correlation_id"),
        Meta: r.StrOrNull("meta") is { } meta ? JsonNode.Parse(meta)?.AsObject() : null,
        NativeSessionId: r.StrOrNull("native_session_id"),
        NativeCli: r.StrOrNull("native_cli"));

    /// <summary>
    /// What the EOD rule reads: the session, and the EOD handoff an earlier EOD recorded (id and payload hash, from
    /// <see cref="SessionWithEodHandoffSql"/>).
    /// </summary>
    public static StoredEod SessionWithEodHandoff(DbDataReader r) =>
        new(Session(r), r.StrOrNull("eod_handoff_id") is { } id ? new RecordedEod(id, r.StrOrNull("eod_payload_hash")) : null);

    /// <summary>The select list <see cref="SessionWithEodHandoff"/> maps, for <c>FROM sessions</c>.</summary>
    public const string SessionWithEodHandoffSql =
        SessionColumns + ", eod_handoff_id, (SELECT h.payload_hash FROM handoffs h WHERE h.id = sessions.eod_handoff_id) AS eod_payload_hash";

    public static (string Name, object? Value)[] SessionArgs(Session s) =>
    [
        Arg("id", s.Id), Arg("agent", s.Agent), Arg("cli", s.Cli), Arg("host", s.Host), Arg("venture", s.Venture),
        Arg("repo", s.Repo), Arg("track", s.Track), Arg("issue_number", s.IssueNumber), Arg("branch", s.Branch),
        Arg("commit_sha", s.CommitSha), Arg("status", Text(s.Status)), Arg("end_reason", Text(s.EndReason)),
        Arg("created_at", Ms(s.CreatedAt)), Arg("last_heartbeat_at", Ms(s.LastHeartbeatAt)), Arg("ended_at", Ms(s.EndedAt)),
        Arg("actor_key_id", s.ActorKeyId), Arg("creation_correlation_id", s.CreationCorrelationId),
        Arg("meta", s.Meta?.ToJsonString()), Arg("native_session_id", s.NativeSessionId), Arg("native_cli", s.NativeCli),
    ];

    public static Handoff Handoff(DbDataReader r) => new(
        Id: r.Str("id"),
        SessionId: r.StrOrNull("session_id"),
        Venture: r.Str("venture"),
        Repo: r.Str("repo"),
        Track: r.Str("track"),
        IssueNumber: r.IntOrNull("issue_number"),
        FromAgent: r.Str("from_agent"),
        ToAgent: r.StrOrNull("to_agent"),
        Status: EnumText<HandoffStatus>.Parse(r.Str("status")),
        Summary: r.Str("summary"),
        Payload: r.Str("payload"),
        PayloadHash: r.Str("payload_hash"),
        PayloadSizeBytes: r.Int("payload_size_bytes"),
        SourceVenture: r.StrOrNull("source_venture"),
        CreatedAt: r.Time("created_at"),
        ActorKeyId: r.StrOrNull("actor_key_id"),
        CreationCorrelationId: r.StrOrNull("creation_correlation_id"),
        DraftedBy: r.StrOrNull("drafted_by") is { } drafted ? EnumText<HandoffDraft>.Parse(drafted) : null,
        DraftedFrom: r.StrOrNull("drafted_from"));

    public static (string Name, object? Value)[] HandoffArgs(Handoff h) =>
    [
        Arg("id", h.Id), Arg("session_id", h.SessionId), Arg("venture", h.Venture), Arg("repo", h.Repo), Arg("track", h.Track),
        Arg("issue_number", h.IssueNumber), Arg("from_agent", h.FromAgent), Arg("to_agent", h.ToAgent),
        Arg("status", Text(h.Status)), Arg("summary", h.Summary), Arg("payload", h.Payload), Arg("payload_hash", h.PayloadHash),
        Arg("payload_size_bytes", h.PayloadSizeBytes), Arg("source_venture", h.SourceVenture), Arg("created_at", Ms(h.CreatedAt)),
        Arg("actor_key_id", h.ActorKeyId), Arg("creation_correlation_id", h.CreationCorrelationId),
        Arg("drafted_by", Text(h.DraftedBy)), Arg("drafted_from", h.DraftedFrom),
    ];

    public static Venture Venture(DbDataReader r) => new(
        Code: r.Str("code"),
        Name: r.Str("name"),
        Org: r.Str("org"),
        Repos: List(r, "repos"),
        Capabilities: List(r, "capabilities"),
        SecretsPath: r.StrOrNull("secrets_path"),
        DesignSpec: r.StrOrNull("design_spec"),
        Platform: Bool(r, "platform"),
        NoteTags: List(r, "note_tags"),
        DailyBudgetUsd: r.IsDBNull(r.GetOrdinal("daily_budget_usd")) ? null : r.GetDouble(r.GetOrdinal("daily_budget_usd")),
        FollowUps: r.StrOrNull("follow_ups") is { } followUps
            ? JsonSerializer.Deserialize<List<FollowUpRule>>(followUps, BatonJson.Options)
            : null,
        Workflow: r.StrOrNull("workflow") is { } workflow
            ? JsonSerializer.Deserialize<Core.Workflows.WorkflowSettings>(workflow, BatonJson.Options)
            : null);

    public static (string Name, object? Value)[] VentureArgs(Venture v) =>
    [
        Arg("code", v.Code), Arg("name", v.Name), Arg("org", v.Org), Arg("repos", List(v.Repos)),
        Arg("capabilities", List(v.Capabilities)), Arg("secrets_path", v.SecretsPath), Arg("design_spec", v.DesignSpec),
        Arg("platform", Bool(v.Platform)), Arg("note_tags", List(v.NoteTags)), Arg("daily_budget_usd", v.DailyBudgetUsd),
        Arg("follow_ups", v.FollowUps.Count == 0 ? null : JsonSerializer.Serialize(v.FollowUps, BatonJson.Options)),
        Arg("workflow", v.Workflow is null ? null : JsonSerializer.Serialize(v.Workflow, BatonJson.Options)),
    ];

    public static Machine Machine(DbDataReader r) => new(
        Id: r.Str("id"),
        Hostname: r.Str("hostname"),
        Os: r.StrOrNull("os"),
        Arch: r.StrOrNull("arch"),
        Address: r.StrOrNull("address"),
        SshPublicKey: r.StrOrNull("ssh_public_key"),
        SshUser: r.StrOrNull("ssh_user"),
        RegisteredAt: r.Time("registered_at"),
        LastSeenAt: r.Time("last_seen_at"),
        ActorKeyId: r.StrOrNull("actor_key_id"));

    public static (string Name, object? Value)[] MachineArgs(Machine m) =>
    [
        Arg("id", m.Id), Arg("hostname", m.Hostname), Arg("os", m.Os), Arg("arch", m.Arch), Arg("address", m.Address),
        Arg("ssh_public_key", m.SshPublicKey), Arg("ssh_user", m.SshUser), Arg("registered_at", Ms(m.RegisteredAt)),
        Arg("last_seen_at", Ms(m.LastSeenAt)), Arg("actor_key_id", m.ActorKeyId),
    ];

    public static ApiKey ApiKey(DbDataReader r) => new(
        Id: r.Str("id"),
        Name: r.Str("name"),
        Role: EnumText<KeyRole>.Parse(r.Str("role")),
        Venture: r.StrOrNull("venture"),
        KeyHash: r.Str("key_hash"),
        ActorKeyId: r.Str("actor_key_id"),
        CreatedAt: r.Time("created_at"),
        RevokedAt: r.TimeOrNull("revoked_at"),
        CreatedBy: r.StrOrNull("created_by"));

    public static (string Name, object? Value)[] ApiKeyArgs(ApiKey k) =>
    [
        Arg("id", k.Id), Arg("name", k.Name), Arg("role", Text(k.Role)), Arg("venture", k.Venture), Arg("key_hash", k.KeyHash),
        Arg("actor_key_id", k.ActorKeyId), Arg("created_at", Ms(k.CreatedAt)), Arg("revoked_at", Ms(k.RevokedAt)),
        Arg("created_by", k.CreatedBy),
    ];

    public static RequestLogEntry RequestLog(DbDataReader r) => new(
        Timestamp: r.Time("timestamp"),
        CorrelationId: r.Str("correlation_id"),
        Route: r.Str("route"),
        Method: r.Str("method"),
        Status: r.Int("status"),
        DurationMs: r.GetDouble(r.GetOrdinal("duration_ms")),
        ActorKeyId: r.StrOrNull("actor_key_id"),
        Venture: r.StrOrNull("venture"),
        ErrorCode: r.StrOrNull("error_code"));

    /// <summary>Maps the <see cref="NoteColumns"/>, whatever table alias prefixed them in the query.</summary>
    public static Note Note(DbDataReader r) => new(
        Id: r.Str("id"),
        Venture: r.Str("venture"),
        Title: r.Str("title"),
        Content: r.Str("content"),
        Tags: List(r, "tags"),
        Archived: Bool(r, "archived"),
        CreatedAt: r.Time("created_at"),
        UpdatedAt: r.Time("updated_at"),
        ActorKeyId: r.StrOrNull("actor_key_id"),
        Source: r.StrOrNull("source"));

    public static (string Name, object? Value)[] NoteArgs(Note n) =>
    [
        Arg("id", n.Id), Arg("venture", n.Venture), Arg("title", n.Title), Arg("content", n.Content), Arg("tags", List(n.Tags)),
        Arg("archived", Bool(n.Archived)), Arg("created_at", Ms(n.CreatedAt)), Arg("updated_at", Ms(n.UpdatedAt)),
        Arg("actor_key_id", n.ActorKeyId), Arg("source", n.Source),
    ];

    public static Doc Doc(DbDataReader r) => new(
        Scope: r.Str("scope"),
        Name: r.Str("name"),
        Title: r.Str("title"),
        Content: r.Str("content"),
        ContentHash: r.Str("content_hash"),
        SizeBytes: r.Int("size_bytes"),
        DocType: r.StrOrNull("doc_type"),
        Version: r.Int("version"),
        UpdatedAt: r.Time("updated_at"),
        UploadedBy: r.StrOrNull("uploaded_by"),
        SourceRepo: r.StrOrNull("source_repo"),
        SourcePath: r.StrOrNull("source_path"),
        Generated: Bool(r, "generated"));

    public static (string Name, object? Value)[] DocArgs(Doc d) =>
    [
        Arg("scope", d.Scope), Arg("name", d.Name), Arg("title", d.Title), Arg("content", d.Content),
        Arg("content_hash", d.ContentHash), Arg("size_bytes", d.SizeBytes), Arg("doc_type", d.DocType), Arg("version", d.Version),
        Arg("updated_at", Ms(d.UpdatedAt)), Arg("uploaded_by", d.UploadedBy), Arg("source_repo", d.SourceRepo),
        Arg("source_path", d.SourcePath), Arg("generated", Bool(d.Generated)),
    ];

    public static DocSummary DocSummary(DbDataReader r) => new(
        Scope: r.Str("scope"),
        Name: r.Str("name"),
        Title: r.Str("title"),
        Version: r.Int("version"),
        SizeBytes: r.Int("size_bytes"),
        UpdatedAt: r.Time("updated_at"),
        DocType: r.StrOrNull("doc_type"),
        Generated: Bool(r, "generated"),
        ContentHash: r.Str("content_hash"));

    public static DocRequirement DocRequirement(DbDataReader r) => new(
        Id: r.Str("id"),
        NamePattern: r.Str("name_pattern"),
        ScopeType: EnumText<RequirementScope>.Parse(r.Str("scope_type")),
        Venture: r.StrOrNull("venture"),
        Capability: r.StrOrNull("capability"),
        StalenessDays: r.Int("staleness_days"),
        AutoGenerate: Bool(r, "auto_generate"),
        GenerationSources: List(r, "generation_sources"),
        CreatedAt: r.Time("created_at"));

    public static (string Name, object? Value)[] DocRequirementArgs(DocRequirement q) =>
    [
        Arg("id", q.Id), Arg("name_pattern", q.NamePattern), Arg("scope_type", Text(q.ScopeType)), Arg("venture", q.Venture),
        Arg("capability", q.Capability), Arg("staleness_days", q.StalenessDays), Arg("auto_generate", Bool(q.AutoGenerate)),
        Arg("generation_sources", List(q.GenerationSources)), Arg("created_at", Ms(q.CreatedAt)),
    ];

    public static Alert Alert(DbDataReader r) => new(
        Id: r.Str("id"),
        Venture: r.Str("venture"),
        Repo: r.Str("repo"),
        Workflow: r.Str("workflow"),
        Branch: r.Str("branch"),
        Source: r.Str("source"),
        Severity: EnumText<AlertSeverity>.Parse(r.Str("severity")),
        Status: EnumText<AlertStatus>.Parse(r.Str("status")),
        OnDefaultBranch: Bool(r, "on_default_branch"),
        FirstSeen: r.Time("first_seen"),
        LastSeen: r.Time("last_seen"),
        Occurrences: r.Int("occurrences"),
        Url: r.StrOrNull("url"),
        ResolvedAt: r.TimeOrNull("resolved_at"),
        ResolvedBy: r.StrOrNull("resolved_by"),
        ResolutionReason: r.StrOrNull("resolution_reason"),
        LastRun: RunOf(r.TimeOrNull("last_run_created_at"), r.LongOrNull("last_run_number")));

    public static (string Name, object? Value)[] AlertArgs(Alert a) =>
    [
        Arg("id", a.Id), Arg("venture", a.Venture), Arg("repo", a.Repo), Arg("workflow", a.Workflow), Arg("branch", a.Branch),
        Arg("source", a.Source), Arg("severity", Text(a.Severity)), Arg("status", Text(a.Status)),
        Arg("on_default_branch", Bool(a.OnDefaultBranch)), Arg("first_seen", Ms(a.FirstSeen)), Arg("last_seen", Ms(a.LastSeen)),
        Arg("occurrences", a.Occurrences), Arg("url", a.Url), Arg("resolved_at", Ms(a.ResolvedAt)), Arg("resolved_by", a.ResolvedBy),
        Arg("resolution_reason", a.ResolutionReason), Arg("last_run_created_at", Ms(a.LastRun?.CreatedAt)),
        Arg("last_run_number", a.LastRun?.Number),
    ];

    /// <summary>The run columns as one value: both null means no run was recorded.</summary>
    public static RunOrder? RunOf(DateTimeOffset? createdAt, long? number) =>
        createdAt is null && number is null ? null : new RunOrder(createdAt, number);

    public static CadenceItem Cadence(DbDataReader r) => new(
        Id: r.Str("id"),
        Scope: r.Str("scope"),
        Title: r.Str("title"),
        Description: r.StrOrNull("description"),
        IntervalDays: r.Int("interval_days"),
        CreatedAt: r.Time("created_at"),
        LastDoneAt: r.TimeOrNull("last_done_at"),
        LastDoneBy: r.StrOrNull("last_done_by"));

    public static (string Name, object? Value)[] CadenceArgs(CadenceItem c) =>
    [
        Arg("id", c.Id), Arg("scope", c.Scope), Arg("title", c.Title), Arg("description", c.Description),
        Arg("interval_days", c.IntervalDays), Arg("created_at", Ms(c.CreatedAt)), Arg("last_done_at", Ms(c.LastDoneAt)),
        Arg("last_done_by", c.LastDoneBy),
    ];

    private static (string Name, object? Value) Arg(string column, object? value) => (TDialect.BindName(column), value);

    private static string[] List(DbDataReader r, string column) => TDialect.ReadList(r, r.GetOrdinal(column));

    private static bool Bool(DbDataReader r, string column) => TDialect.ReadBool(r, r.GetOrdinal(column));
}

/// <summary>A stored session and the handoff its first EOD recorded (null before any EOD).</summary>
internal sealed record StoredEod(Session Session, RecordedEod? Eod);

/// <summary>Reading the column types both dialects store alike: text, integers, unix-millisecond timestamps.</summary>
internal static class Columns
{
    public static string Str(this DbDataReader r, string column) => r.GetString(r.GetOrdinal(column));

    public static string? StrOrNull(this DbDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
    }

    /// <summary>An integer column that holds a C# <c>int</c>: checked, so a value no store could have written is refused, not wrapped.</summary>
    public static int Int(this DbDataReader r, string column) => checked((int)r.GetInt64(r.GetOrdinal(column)));

    public static int? IntOrNull(this DbDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : checked((int)r.GetInt64(ordinal));
    }

    public static long? LongOrNull(this DbDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : r.GetInt64(ordinal);
    }

    public static DateTimeOffset Time(this DbDataReader r, string column) =>
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(r.GetOrdinal(column)));

    public static DateTimeOffset? TimeOrNull(this DbDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(ordinal));
    }
}

/// <summary>Enum ↔ column text, using the same snake_case names as the wire so the database reads like the API.</summary>
internal static class EnumText<T> where T : struct, Enum
{
    public static readonly Dictionary<T, string> ToText =
        Enum.GetValues<T>().ToDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

    private static readonly Dictionary<string, T> FromText = ToText.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static T Parse(string text) =>
        FromText.TryGetValue(text, out var value)
            ? value
            : throw new InvalidDataException($"The database holds '{text}', which is not a {typeof(T).Name}.");
}
