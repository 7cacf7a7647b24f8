using System.Text.Json.Nodes;
using Baton.Core.Common;

namespace Baton.Core.Sessions;

public enum SessionStatus { Active, Ended, Abandoned }

public enum EndReason { Manual, Stale, Superseded, Error }

/// <summary>
/// One agent session. Sessions are keyed for resume-or-create by (agent, venture, repo, track); see
/// <see cref="SessionRules"/>. Staleness is judged when read: a stored <c>active</c> session whose last heartbeat
/// is older than the stale threshold is reported as <c>abandoned</c> / <c>stale</c> by every read path.
/// <see cref="NativeSessionId"/> and <see cref="NativeCli"/> (<c>claude</c>, <c>gemini</c>, <c>codex</c>) are the agent
/// CLI's own session, recorded from its hook events (docs/architecture.md §15), for an exact resume; <see cref="Cli"/>
/// is what the front end said at SOD.
/// </summary>
public sealed record Session(
    string Id,
    string Agent,
    string? Cli,
    string? Host,
    string Venture,
    string Repo,
    string Track,
    int? IssueNumber,
    string? Branch,
    string? CommitSha,
    SessionStatus Status,
    EndReason? EndReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastHeartbeatAt,
    DateTimeOffset? EndedAt,
    string? ActorKeyId,
    string? CreationCorrelationId,
    JsonObject? Meta,
    string? NativeSessionId = null,
    string? NativeCli = null)
{
    /// <summary>The track used when a caller names none.</summary>
    public const string DefaultTrack = Tracks.Default;
}
