using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Ventures;

namespace Baton.Core.Sessions;

/// <summary>
/// SOD's write and what its answer carries besides the session: read and composed by the briefing feature. A port here
/// because the briefing depends on sessions (it lists them), so sessions may not depend on the briefing; the
/// composition root hands the implementation (the briefing feature's <c>SodBriefing</c>) in. The write goes through it
/// so the store can send the write and the briefing's reads together (decisions/0015-briefing-from-one-snapshot.md).
/// </summary>
internal interface ISodBriefing
{
    /// <summary>
    /// Starts or resumes the candidate's session (<see cref="ISessionStore.StartOrResumeSessionAsync"/>'s rule), reads
    /// what the briefing shows from one snapshot taken after that write committed, lets the caller settle the session
    /// (<paramref name="settle"/>: a resumed session that moved is updated) and composes the briefing for the session
    /// <paramref name="settle"/> returns.
    /// The briefing's last handoff is <see cref="SodSettlement.Synthesized"/> when settling wrote one (it is the tuple's
    /// newest own handoff, written after the snapshot).
    /// </summary>
    Task<SodBriefingResult> StartAndComposeAsync(SodBriefingRequest request, Func<SodOutcome, Task<SodSettlement>> settle, CancellationToken ct);

    /// <summary>
    /// The briefing text a SOD for <see cref="SodBriefingRequest.Candidate"/> would show now, from the same reads in one
    /// snapshot, composed the same way — writing nothing (the candidate is never stored); its header says it is a preview.
    /// </summary>
    Task<string> PreviewAsync(SodBriefingRequest request, CancellationToken ct);
}

/// <summary>The session as settled after SOD's write, and the handoff synthesized for the session it found abandoned, if any.</summary>
internal sealed record SodSettlement(Session Session, Handoff? Synthesized = null);

/// <param name="Candidate">The session SOD creates if there is none to resume (active and fresh).</param>
/// <param name="ServerLabel">How the header names where the answer came from.</param>
internal sealed record SodBriefingRequest(
    Venture Venture,
    Session Candidate,
    int BudgetChars,
    DocsFormat DocsFormat,
    string ServerLabel,
    DateTimeOffset Now,
    TimeSpan StaleAfter);

/// <summary>
/// What SOD's write did, the session as settled, the lists a SOD answer carries (each with its exact total) and the
/// briefing text composed from them.
/// </summary>
internal sealed record SodBriefingResult(
    SodOutcome Outcome,
    Session Session,
    Handoff? LastHandoff,
    ListResult<Handoff> AddressedHandoffs,
    ListResult<Session> OtherActiveSessions,
    string Briefing,
    ListResult<DocSummary> Docs,
    DocAuditResult? DocAudit,
    ListResult<Note> Notes);
