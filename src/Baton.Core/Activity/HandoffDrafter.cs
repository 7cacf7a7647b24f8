using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;

namespace Baton.Core.Activity;

/// <summary>
/// Writes the handoffs Baton drafts (docs/architecture.md §15): at a session's compaction or end, when its hook event
/// is recorded, and the synthesized one for a session SOD found abandoned (Sessions' <see cref="IAbandonedSessionHandoff"/>
/// port). The content is <see cref="HandoffDraftRules"/>'; the store keeps one per (session, trigger) and none for a
/// session whose agent wrote a handoff itself. Built from the session's newest <see cref="MaxEvents"/> events.
/// </summary>
internal sealed class HandoffDrafter(IActivityStore activity, ISessionStore sessions, IHandoffStore handoffs, BatonCore core, Caller caller)
    : IAbandonedSessionHandoff
{
    /// <summary>The most events a draft reads: one page, newest first (a draft describes the session's latest work).</summary>
    public const int MaxEvents = PageRequest.MaxLimit;

    /// <summary>The draft for <paramref name="triggerEventId"/> of <paramref name="sessionId"/>, as stored; null when the agent wrote its own.</summary>
    public async Task<Handoff?> DraftAsync(string sessionId, HandoffDraft drafted, string triggerEventId, CancellationToken ct)
    {
        var session = await sessions.FindSessionOrNullAsync(sessionId, core.Now(), core.Options.StaleAfter, ct);
        return session is null ? null : await WriteAsync(session, drafted, triggerEventId, triggerEventId, git: null, ct);
    }

    public async Task<Handoff?> SynthesizeAsync(string abandonedSessionId, RepoGitState? git, CancellationToken ct)
    {
        var session = await sessions.FindSessionOrNullAsync(abandonedSessionId, core.Now(), core.Options.StaleAfter, ct);
        return session is null ? null
            : await WriteAsync(session, HandoffDraft.Abandoned, HandoffDraftRules.AbandonedTrigger, upTo: null, HandoffDraftRules.CleanGit(git), ct);
    }

    private async Task<Handoff?> WriteAsync(Session session, HandoffDraft drafted, string trigger, string? upTo, CleanGitState? git, CancellationToken ct)
    {
        var events = await activity.ListSessionEventsAsync(session.Id, new PageRequest(MaxEvents, null), ct);
        var fields = HandoffDraftRules.Build(session, events.Items, drafted, upTo, git);
        var handoff = HandoffFactory.Create(core, caller, fields, fields.Summary, fields.Status, session.Id, session.Venture, session.Repo,
            session.Track, session.Agent, sourceVenture: null) with { DraftedBy = drafted, DraftedFrom = trigger };
        return await handoffs.InsertDraftHandoffAsync(handoff, ct);
    }
}
