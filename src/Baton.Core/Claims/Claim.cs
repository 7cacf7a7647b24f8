namespace Baton.Core.Claims;

/// <summary>Whether a claim keeps others out (<see cref="Exclusive"/>) or only says "I am on this too" (<see cref="Shared"/>).</summary>
public enum ClaimMode { Exclusive, Shared }

/// <summary>Why a claim stopped being held, when it was released by a write (a stale session's claims are judged on read instead).</summary>
public enum ClaimRelease { Released, Eod }

/// <summary>
/// A session's claim on an issue or on files of one repo (docs/architecture.md §15 Claims). Exactly one of
/// <see cref="IssueNumber"/> and <see cref="Files"/> (git wildmatch globs, repository-relative) is set. Venture, repo
/// and agent are the session's. A claim is <b>held</b> while it is not released and its session is active and fresh:
/// staleness is judged on read with the session rule (decisions/0003), so a stale session's claims are free the moment
/// it goes stale, with no sweeper; EOD releases them with reason <see cref="ClaimRelease.Eod"/>.
/// </summary>
public sealed record Claim(
    string Id,
    string SessionId,
    string Venture,
    string Repo,
    string Agent,
    int? IssueNumber,
    IReadOnlyList<string> Files,
    ClaimMode Mode,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReleasedAt,
    ClaimRelease? ReleaseReason,
    string? ActorKeyId)
{
    /// <summary>What is claimed, as people read it: <c>#15</c> or the globs.</summary>
    public string Target => IssueNumber is { } issue ? $"#{issue}" : string.Join(' ', Files);
}
