using System.Text.Json.Nodes;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Keys;
using Baton.Core.Knowledge;
using Baton.Core.Requests;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Testing;

/// <summary>
/// Unique, valid values for tests. Ids come from one generator on a fixed clock, so within a process they strictly
/// increase in the order they are made — exactly the order newest-first lists must follow.
/// </summary>
public static class Some
{
    /// <summary>A fixed, millisecond-precise instant the tests measure their explicit times from.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly IdGenerator Ids = new(new ManualClock(T0));
    private static int _counter;

    public static int Number() => Interlocked.Increment(ref _counter);

    public static string Id(string prefix) => Ids.New(prefix);

    public static string Name(string what) => $"{what}-{Number()}";

    public static string Agent() => $"agent-{Number()}";

    public static string Text(string prefix = "text") => $"{prefix} {Number()}";

    /// <summary>One searchable word no other test writes (letters then digits: a single full-text token).</summary>
    public static string Word(string prefix = "word") => $"{prefix}{Number()}";

    /// <summary>2–12 lowercase letters/digits, as venture codes must be.</summary>
    public static string VentureCode() => "v" + Guid.NewGuid().ToString("N")[..11];

    public static string Hash() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    public static Venture Venture(string? code = null) => new(
        Code: code ?? VentureCode(),
        Name: Name("Venture"),
        Org: "example-org",
        Repos: [Name("repo"), Name("repo")],
        Capabilities: ["has_api", "has_database"],
        SecretsPath: "/" + Name("secrets"),
        DesignSpec: "docs/design.md",
        Platform: false,
        NoteTags: ["executive-summary"]);

    /// <summary>A new active session (a SOD candidate) created and last seen at <paramref name="at"/>.</summary>
    public static Session Session(
        string venture,
        DateTimeOffset at,
        string? agent = null,
        string repo = "example-org/alpha",
        string track = Baton.Core.Sessions.Session.DefaultTrack,
        JsonObject? meta = null) => new(
        Id: Id(IdGenerator.Session),
        Agent: agent ?? Name("agent"),
        Cli: "claude",
        Host: "host-1",
        Venture: venture,
        Repo: repo,
        Track: track,
        IssueNumber: 2,
        Branch: "main",
        CommitSha: "0123456789abcdef0123456789abcdef01234567",
        Status: SessionStatus.Active,
        EndReason: null,
        CreatedAt: at,
        LastHeartbeatAt: at,
        EndedAt: null,
        ActorKeyId: "0123456789abcdef",
        CreationCorrelationId: IdGenerator.NewCorrelationId(),
        Meta: meta);

    public static Handoff Handoff(
        string venture,
        DateTimeOffset at,
        string repo = "example-org/alpha",
        string track = Baton.Core.Sessions.Session.DefaultTrack,
        string? sessionId = null,
        string? sourceVenture = null,
        int? issueNumber = 7)
    {
        var summary = Name("summary");
        var payload = $$"""{"status":"done","summary":"{{summary}}","next_steps":["ship it","tell \"everyone\""]}""";
        return new Handoff(
            Id: Id(IdGenerator.Handoff),
            SessionId: sessionId,
            Venture: venture,
            Repo: repo,
            Track: track,
            IssueNumber: issueNumber,
            FromAgent: Name("agent"),
            ToAgent: "reviewer",
            Status: HandoffStatus.InProgress,
            Summary: summary,
            Payload: payload,
            PayloadHash: Hash(),
            PayloadSizeBytes: System.Text.Encoding.UTF8.GetByteCount(payload),
            SourceVenture: sourceVenture,
            CreatedAt: at,
            ActorKeyId: "0123456789abcdef",
            CreationCorrelationId: IdGenerator.NewCorrelationId());
    }

    public static ApiKey ApiKey(DateTimeOffset at, KeyRole role = KeyRole.Agent, string? venture = null)
    {
        var hash = Hash();
        return new ApiKey(Id(IdGenerator.Key), Name("key"), role, venture, hash, KeyHashing.ActorKeyIdOf(hash), at, null, "admin0123456789a");
    }

    public static IdempotencyKey IdempotencyKey(string route = "POST /v1/eod") => new(route, "0123456789abcdef", Name("idem"));

    public static RequestLogEntry RequestLogEntry(DateTimeOffset at, string? correlationId = null) => new(
        Timestamp: at,
        CorrelationId: correlationId ?? IdGenerator.NewCorrelationId(),
        Route: "POST /v1/sod",
        Method: "POST",
        Status: 200,
        DurationMs: 1.25,
        ActorKeyId: "0123456789abcdef",
        Venture: "alpha",
        ErrorCode: null);

    /// <summary>A live note in <paramref name="venture"/> (a code or <c>global</c>), created and updated at <paramref name="at"/>.</summary>
    public static Note Note(
        string venture,
        DateTimeOffset at,
        string? title = null,
        string? content = null,
        IReadOnlyList<string>? tags = null) => new(
        Id: Id(IdGenerator.Note),
        Venture: venture,
        Title: title ?? Name("Note"),
        Content: content ?? $"Plain text of {Name("note")}.",
        Tags: tags ?? [],
        Archived: false,
        CreatedAt: at,
        UpdatedAt: at,
        ActorKeyId: "0123456789abcdef",
        Source: "cli");

    /// <summary>A doc candidate with the hash and size of <paramref name="content"/>, as the doc service builds it.</summary>
    public static Doc Doc(string scope, string name, string content, DateTimeOffset at, string? title = null)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(content);
        return new Doc(
            Scope: scope,
            Name: name,
            Title: title ?? Name("Title"),
            Content: content,
            ContentHash: Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)),
            SizeBytes: bytes.Length,
            DocType: "runbook",
            Version: 1,
            UpdatedAt: at,
            UploadedBy: "0123456789abcdef",
            SourceRepo: "example-org/alpha",
            SourcePath: "docs/" + name,
            Generated: false);
    }

    public static DocRequirement DocRequirement(DateTimeOffset at, string? id = null) => new(
        Id: id ?? Id("req"),
        NamePattern: "{venture}-" + Name("runbook") + ".md",
        ScopeType: RequirementScope.EveryVenture,
        Venture: null,
        Capability: "has_api",
        StalenessDays: 30,
        AutoGenerate: false,
        GenerationSources: ["readme"],
        CreatedAt: at);
}
