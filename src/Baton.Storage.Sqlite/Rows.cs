using System.Text.Json.Nodes;
using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Handoffs;
using Baton.Core.Keys;
using Baton.Core.Knowledge;
using Baton.Core.Requests;
using Baton.Core.Sessions;
using Baton.Core.Ventures;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>Maps rows to domain records and values to column values. Enum columns hold the snake_case wire names.</summary>
internal static class Rows
{
    public const string SessionColumns =
        "id, agent, cli, host, venture, repo, track, issue_number, branch, commit_sha, status, end_reason, created_at, " +
        "last_heartbeat_at, ended_at, actor_key_id, creation_correlation_id, meta";

    public const string HandoffColumns =
        "id, session_id, venture, repo, track, issue_number, from_agent, to_agent, status, summary, payload, payload_hash, " +
        "payload_size_bytes, source_venture, created_at, actor_key_id, creation_correlation_id";

    public const string VentureColumns = "code, name, org, repos, capabilities, secrets_path, design_spec, platform, note_tags";

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

    public static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? Ms(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static string Text<T>(T value) where T : struct, Enum => EnumText<T>.ToText[value];

    public static string? Text<T>(T? value) where T : struct, Enum => value is { } v ? EnumText<T>.ToText[v] : null;

    public static string JsonList(IReadOnlyList<string> values) => JsonSerializer.Serialize(values, BatonJson.Options);

    public static Session Session(SqliteDataReader r) => new(
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
        Meta: r.StrOrNull("meta") is { } meta ? JsonNode.Parse(meta)?.AsObject() : null);

    /// <summary>A session read with the <c>eod_handoff_id</c> an earlier EOD recorded, which the EOD rule needs beside it.</summary>
    public static StoredEod SessionWithEodHandoff(SqliteDataReader r) => new(Session(r), r.StrOrNull("eod_handoff_id"));

    public static Handoff Handoff(SqliteDataReader r) => new(
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
        PayloadSizeBytes: (int)r.Long("payload_size_bytes"),
        SourceVenture: r.StrOrNull("source_venture"),
        CreatedAt: r.Time("created_at"),
        ActorKeyId: r.StrOrNull("actor_key_id"),
        CreationCorrelationId: r.StrOrNull("creation_correlation_id"));

    public static Venture Venture(SqliteDataReader r) => new(
        Code: r.Str("code"),
        Name: r.Str("name"),
        Org: r.Str("org"),
        Repos: ParseList(r.Str("repos")),
        Capabilities: ParseList(r.Str("capabilities")),
        SecretsPath: r.StrOrNull("secrets_path"),
        DesignSpec: r.StrOrNull("design_spec"),
        Platform: r.Long("platform") != 0,
        NoteTags: ParseList(r.Str("note_tags")));

    public static Machine Machine(SqliteDataReader r) => new(
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

    public static ApiKey ApiKey(SqliteDataReader r) => new(
        Id: r.Str("id"),
        Name: r.Str("name"),
        Role: EnumText<KeyRole>.Parse(r.Str("role")),
        Venture: r.StrOrNull("venture"),
        KeyHash: r.Str("key_hash"),
        ActorKeyId: r.Str("actor_key_id"),
        CreatedAt: r.Time("created_at"),
        RevokedAt: r.TimeOrNull("revoked_at"),
        CreatedBy: r.StrOrNull("created_by"));

    public static RequestLogEntry RequestLog(SqliteDataReader r) => new(
        Timestamp: r.Time("timestamp"),
        CorrelationId: r.Str("correlation_id"),
        Route: r.Str("route"),
        Method: r.Str("method"),
        Status: (int)r.Long("status"),
        DurationMs: r.GetDouble(r.GetOrdinal("duration_ms")),
        ActorKeyId: r.StrOrNull("actor_key_id"),
        Venture: r.StrOrNull("venture"),
        ErrorCode: r.StrOrNull("error_code"));

    /// <summary>Maps the <see cref="NoteColumns"/>, whatever table alias prefixed them in the query.</summary>
    public static Note Note(SqliteDataReader r) => new(
        Id: r.Str("id"),
        Venture: r.Str("venture"),
        Title: r.Str("title"),
        Content: r.Str("content"),
        Tags: ParseList(r.Str("tags")),
        Archived: r.Long("archived") != 0,
        CreatedAt: r.Time("created_at"),
        UpdatedAt: r.Time("updated_at"),
        ActorKeyId: r.StrOrNull("actor_key_id"),
        Source: r.StrOrNull("source"));

    public static Doc Doc(SqliteDataReader r) => new(
        Scope: r.Str("scope"),
        Name: r.Str("name"),
        Title: r.Str("title"),
        Content: r.Str("content"),
        ContentHash: r.Str("content_hash"),
        SizeBytes: checked((int)r.Long("size_bytes")),
        DocType: r.StrOrNull("doc_type"),
        Version: checked((int)r.Long("version")),
        UpdatedAt: r.Time("updated_at"),
        UploadedBy: r.StrOrNull("uploaded_by"),
        SourceRepo: r.StrOrNull("source_repo"),
        SourcePath: r.StrOrNull("source_path"),
        Generated: r.Long("generated") != 0);

    public static DocSummary DocSummary(SqliteDataReader r) => new(
        Scope: r.Str("scope"),
        Name: r.Str("name"),
        Title: r.Str("title"),
        Version: checked((int)r.Long("version")),
        SizeBytes: checked((int)r.Long("size_bytes")),
        UpdatedAt: r.Time("updated_at"),
        DocType: r.StrOrNull("doc_type"),
        Generated: r.Long("generated") != 0,
        ContentHash: r.Str("content_hash"));

    public static DocRequirement DocRequirement(SqliteDataReader r) => new(
        Id: r.Str("id"),
        NamePattern: r.Str("name_pattern"),
        ScopeType: EnumText<RequirementScope>.Parse(r.Str("scope_type")),
        Venture: r.StrOrNull("venture"),
        Capability: r.StrOrNull("capability"),
        StalenessDays: checked((int)r.Long("staleness_days")),
        AutoGenerate: r.Long("auto_generate") != 0,
        GenerationSources: ParseList(r.Str("generation_sources")),
        CreatedAt: r.Time("created_at"));

    private static string[] ParseList(string json) => JsonSerializer.Deserialize<string[]>(json, BatonJson.Options) ?? [];

    private static string Str(this SqliteDataReader r, string column) => r.GetString(r.GetOrdinal(column));

    private static string? StrOrNull(this SqliteDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
    }

    private static long Long(this SqliteDataReader r, string column) => r.GetInt64(r.GetOrdinal(column));

    private static int? IntOrNull(this SqliteDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : checked((int)r.GetInt64(ordinal));
    }

    private static DateTimeOffset Time(this SqliteDataReader r, string column) =>
        DateTimeOffset.FromUnixTimeMilliseconds(r.Long(column));

    private static DateTimeOffset? TimeOrNull(this SqliteDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(ordinal));
    }

    /// <summary>Enum ↔ column text, using the same snake_case names as the wire so the database reads like the API.</summary>
    private static class EnumText<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> ToText =
            Enum.GetValues<T>().ToDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

        private static readonly Dictionary<string, T> FromText = ToText.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

        public static T Parse(string text) =>
            FromText.TryGetValue(text, out var value)
                ? value
                : throw new InvalidDataException($"The database holds '{text}', which is not a {typeof(T).Name}.");
    }
}

/// <summary>A stored session and the id of the handoff its first EOD recorded (null before any EOD).</summary>
internal sealed record StoredEod(Session Session, string? EodHandoffId);
