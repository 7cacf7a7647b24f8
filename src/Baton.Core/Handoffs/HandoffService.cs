using Baton.Core.Common;
using Baton.Core.Ventures;


namespace Baton.Core.Handoffs;

/// <summary>
/// Local implementation of <see cref="IHandoffService"/>: handoffs written without ending a session, including
/// cross-venture ones, and the paged list (docs/architecture.md §5).
/// </summary>
internal sealed class HandoffService(IHandoffStore handoffs, IVentureStore ventures, BatonCore core, Caller caller) : IHandoffService
{
    public async Task<HandoffReceipt> CreateHandoffAsync(CreateHandoffRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var ventureCode = v.Required("venture", request.Venture, 12);
        var repo = v.NoBidiControls("repo", v.Required("repo", request.Repo, 200))!;
        var fromAgent = v.NoBidiControls("from_agent", v.Required("from_agent", request.FromAgent, 100))!;
        var track = v.NoBidiControls("track", v.Text("track", request.Track, 100)) is { Length: > 0 } t ? t : Tracks.Default;
        var toVenture = v.Text("to_venture", request.ToVenture, 12);
        var sessionId = v.Text("session_id", request.SessionId, 64);
        var (summary, status) = HandoffFactory.Validate(request, v);
        v.ThrowIfAny();

        // The writer acts for its own venture; the target only has to exist (that is the point of addressing it).
        caller.EnsureMayActFor(ventureCode);
        var source = await VentureRules.FindOrThrowAsync(ventures, ventureCode, ct);
        var target = toVenture is null || toVenture == source.Code ? source : await VentureRules.FindOrThrowAsync(ventures, toVenture, ct);
        if (sessionId is not null && !await handoffs.SessionExistsAsync(sessionId, ct))
            throw new BatonException(ErrorCodes.SessionNotFound, $"There is no session '{sessionId}'. Leave session_id out or use the id `baton sod` printed.");

        var handoff = HandoffFactory.Create(
            core, caller, request, summary, status, sessionId,
            venture: target.Code,
            repo: VentureRules.NormalizeRepo(repo, source),
            track: track,
            fromAgent: fromAgent,
            sourceVenture: target.Code == source.Code ? null : source.Code);
        // The handoff as stored: a retry of a request whose answer was lost gets the one its first attempt stored.
        return HandoffFactory.Receipt(await handoffs.InsertHandoffAsync(handoff, ct));
    }

    public async Task<Page<Handoff>> ListHandoffsAsync(HandoffListRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        v.Positive("issue_number", request.IssueNumber);
        v.ThrowIfAny();

        var venture = caller.ScopeFilter(request.Venture);
        var repo = request.Repo;
        if (repo is not null && !repo.Contains('/') && venture is not null)
            repo = VentureRules.NormalizeRepo(repo, await VentureRules.FindOrThrowAsync(ventures, venture, ct));
        return await handoffs.ListHandoffsAsync(
            new HandoffQuery(venture, repo, request.Track, request.IssueNumber, new PageRequest(limit, request.Cursor)), ct);
    }
}
