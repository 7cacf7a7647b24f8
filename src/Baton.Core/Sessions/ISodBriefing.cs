using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Knowledge;
using Baton.Core.Ventures;

namespace Baton.Core.Sessions;

/// <summary>
/// What a SOD answer carries besides the session: read and composed by the briefing feature. A port here because the
/// briefing depends on sessions (it lists them), so sessions may not depend on the briefing; the composition root
/// hands the implementation (the briefing feature's <c>SodBriefing</c>) in.
/// </summary>
internal interface ISodBriefing
{
    Task<SodBriefingResult> ReadAndComposeAsync(SodBriefingRequest request, CancellationToken ct);
}

/// <param name="Session">The session SOD just resumed or created (active and fresh).</param>
/// <param name="ServerLabel">How the header names where the answer came from.</param>
internal sealed record SodBriefingRequest(
    Venture Venture,
    Session Session,
    bool Resumed,
    int BudgetChars,
    DocsFormat DocsFormat,
    string ServerLabel,
    DateTimeOffset Now);

/// <summary>The lists a SOD answer carries, each with its exact total, and the briefing text composed from them.</summary>
internal sealed record SodBriefingResult(
    Handoff? LastHandoff,
    ListResult<Handoff> AddressedHandoffs,
    ListResult<Session> OtherActiveSessions,
    string Briefing,
    ListResult<DocSummary> Docs,
    DocAuditResult? DocAudit,
    ListResult<Note> Notes);
