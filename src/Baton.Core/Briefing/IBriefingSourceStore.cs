using Baton.Core.Activity;
using Baton.Core.Alerts;
using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Sessions;
using Baton.Core.Spend;

namespace Baton.Core.Briefing;

/// <summary>
/// Everything a SOD briefing reads (docs/architecture.md §6), answered from <b>one snapshot</b>: every list and every
/// total describe the same moment, so a write made meanwhile is in all of them or in none — never in a list and not
/// in its count, nor in one section and not in another (<c>decisions/0015-briefing-from-one-snapshot.md</c>). SQLite
/// reads it in one read transaction on one connection; PostgreSQL in one batch, one round trip, in a
/// <c>REPEATABLE READ</c> transaction. Each part is exactly what the narrow port's method answers for the same query.
/// </summary>
public interface IBriefingSourceStore
{
    Task<BriefingSources> ReadBriefingSourcesAsync(BriefingSourceQuery query, CancellationToken ct);

    /// <summary>
    /// SOD's write, then the briefing's reads: the same answers as <see cref="ISessionStore.StartOrResumeSessionAsync"/>
    /// followed by <see cref="ReadBriefingSourcesAsync"/>, the reads' snapshot taken after the write committed (so the
    /// caller's own session is inside the active sessions' total). A store may do both in fewer round trips
    /// (PostgreSQL sends the write's last statements, its COMMIT and the reads together).
    /// </summary>
    Task<SodStart> StartOrResumeSessionAndReadBriefingAsync(Session candidate, DateTimeOffset now, TimeSpan staleAfter,
        BriefingSourceQuery query, CancellationToken ct);
}

/// <summary>
/// What one briefing reads, as the queries the narrow ports already answer, so each part means exactly what that
/// port's method means. <see cref="LastHandoff"/>: only the newest handoff it selects is read (no total, no page).
/// <see cref="Notes"/>: lists, without search words. <see cref="AllOpenAlerts"/> and <see cref="PossiblyStaleAlerts"/> are counted only.
/// <see cref="CadenceScopes"/> null means every scope. <see cref="WebhookVenture"/>: whose deliveries the health
/// check counts. <see cref="Now"/> and <see cref="StaleAfter"/> judge session staleness. <see cref="Queue"/>: the
/// task queue's counts and the caller's agent and tasks (<see cref="BriefingQueueQuery"/>). <see cref="Waiting"/>: the
/// venture's sessions waiting for a human (null: not read). <see cref="Claims"/>: the
/// other sessions' held claims in the session's repo (null: not read; staleness also judges which claims are held).
/// <see cref="Spend"/>: the spend of the caller's session, the tuple's active one (null: not read).
/// </summary>
public sealed record BriefingSourceQuery(
    HandoffQuery LastHandoff,
    HandoffQuery AddressedHandoffs,
    SessionQuery ActiveSessions,
    IReadOnlyList<NoteQuery> Notes,
    IReadOnlyList<string> DocScopes,
    bool FullDocs,
    AlertQuery OpenAlerts,
    AlertQuery AllOpenAlerts,
    AlertQuery PossiblyStaleAlerts,
    IReadOnlyList<string>? CadenceScopes,
    string? WebhookVenture,
    DateTimeOffset Now,
    TimeSpan StaleAfter,
    BriefingQueueQuery Queue,
    WaitingQuery? Waiting = null,
    ClaimQuery? Claims = null,
    SessionSpendQuery? Spend = null);

/// <summary>
/// The answers to a <see cref="BriefingSourceQuery"/>, part for part, from one snapshot. <see cref="Notes"/> follows
/// the order of the query's note queries; <see cref="FullDocs"/> is empty unless whole docs were asked for.
/// </summary>
public sealed record BriefingSources(
    Handoff? LastHandoff,
    Page<Handoff> AddressedHandoffs,
    Page<Session> ActiveSessions,
    IReadOnlyList<Page<NoteHit>> Notes,
    IReadOnlyList<DocSummary> Docs,
    IReadOnlyList<Doc> FullDocs,
    IReadOnlyList<DocRequirement> DocRequirements,
    Page<Alert> OpenAlerts,
    long AllOpenAlerts,
    long PossiblyStaleAlerts,
    IReadOnlyList<CadenceItem> Cadence,
    WebhookStats Webhooks,
    SchemaCheck Schema,
    BriefingQueueSources Queue,
    Page<WaitingSession>? Waiting = null,
    Page<Claim>? Claims = null,
    SpendTotals? Spend = null);

/// <summary>What <see cref="IBriefingSourceStore.StartOrResumeSessionAndReadBriefingAsync"/> did and read.</summary>
public sealed record SodStart(SodOutcome Outcome, BriefingSources Sources);
