using Baton.Core.Common;
using Baton.Core.Sessions;
using Baton.Core.Ventures;

namespace Baton.Core.Claims;

/// <summary>
/// Local implementation of <see cref="IClaimService"/> (docs/architecture.md §15 Claims): validate, check the caller may
/// act for the session's venture, then let the store decide with <see cref="ClaimRules.Decide"/> in its transaction.
/// A conflict is refused (409 <c>claim_conflict</c>), never granted with a warning.
/// </summary>
internal sealed class ClaimService(IClaimStore claims, ISessionStore sessions, IVentureStore ventures, BatonCore core, Caller caller) : IClaimService
{
    public async Task<ClaimResponse> ClaimAsync(CreateClaimRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var sessionId = v.Required("session_id", request.SessionId, 64);
        var files = Globs(v, request.Files);
        v.Positive("issue_number", request.IssueNumber);
        if (request.IssueNumber is null && files.Count == 0)
            v.Add("files", "name an issue_number or at least one file glob (e.g. src/Claims/** or docs/*.md).");
        if (request.IssueNumber is not null && files.Count > 0)
            v.Add("files", "a claim is on an issue or on files, not both: make two claims.");
        v.ThrowIfAny();

        var now = core.Now();
        var session = await sessions.FindSessionOrNullAsync(sessionId, now, core.Options.StaleAfter, ct) ?? throw SessionNotFound(sessionId);
        caller.EnsureMayActFor(session.Venture);
        var candidate = new Claim(core.Ids.New(IdGenerator.Claim), session.Id, session.Venture, session.Repo, session.Agent,
            request.IssueNumber, files, request.Mode ?? ClaimMode.Exclusive, now, null, null, caller.ActorKeyId);
        return Answer(await claims.InsertClaimAsync(candidate, now, core.Options.StaleAfter, ct), candidate, now);
    }

    public async Task<Claim> ReleaseClaimAsync(string id, CancellationToken ct)
    {
        var stored = await claims.FindClaimOrNullAsync(id, ct) ?? throw NotFound(id);
        caller.EnsureMayActFor(stored.Venture);
        return await claims.ReleaseClaimAsync(id, core.Now(), ct) ?? throw NotFound(id);
    }

    public async Task<Claim> GetClaimAsync(string id, CancellationToken ct)
    {
        var stored = await claims.FindClaimOrNullAsync(id, ct) ?? throw NotFound(id);
        caller.EnsureMayActFor(stored.Venture);
        return stored;
    }

    public async Task<Page<Claim>> ListClaimsAsync(ClaimListRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        var sessionId = v.Text("session_id", request.SessionId, 64);
        v.ThrowIfAny();
        var venture = caller.ScopeFilter(request.Venture);
        var repo = await RepoOrNullAsync(venture, request.Repo, ct);
        return await claims.ListClaimsAsync(new ClaimQuery(venture, repo, sessionId, new PageRequest(limit, request.Cursor)),
            core.Now(), core.Options.StaleAfter, ct);
    }

    public async Task<ClaimCheck> CheckAsync(CheckClaimsRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = new Validator();
        var ventureCode = v.Required("venture", request.Venture, 12);
        var repo = v.Required("repo", request.Repo, 200);
        var files = v.Entries("files", request.Files);
        if (files.Count > 10_000) v.Add("files", $"at most 10,000 paths per check (got {files.Count}).");
        var sessionId = v.Text("session_id", request.SessionId, 64);
        var agent = v.Text("agent", request.Agent, 100);
        v.ThrowIfAny();

        caller.EnsureMayActFor(ventureCode);
        var venture = await VentureRules.FindOrThrowAsync(ventures, ventureCode, ct);
        var held = await claims.ListHeldClaimsAsync(venture.Code, VentureRules.NormalizeRepo(repo, venture), core.Now(), core.Options.StaleAfter, ct);
        var own = held.Where(c => agent is { Length: > 0 } && string.Equals(c.Agent, agent, StringComparison.Ordinal)).Select(c => c.SessionId).ToHashSet(StringComparer.Ordinal);
        if (sessionId is { Length: > 0 }) own.Add(sessionId);
        return new ClaimCheck(ClaimRules.HeldByOthers(files, held, own));
    }

    private async Task<string?> RepoOrNullAsync(string? venture, string? repo, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(repo)) return null;
        if (repo.Contains('/') || venture is null) return repo.Trim();
        return VentureRules.NormalizeRepo(repo, await VentureRules.FindOrThrowAsync(ventures, venture, ct));
    }

    private static IReadOnlyList<string> Globs(Validator v, IReadOnlyList<string?>? values)
    {
        var entries = v.Entries("files", values);
        if (entries.Count > ClaimRules.MaxGlobs) v.Add("files", $"at most {ClaimRules.MaxGlobs} globs per claim (got {entries.Count}).");
        var globs = new List<string>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            // `./src` and `src` are the same path to git; a Windows separator is not (git paths use '/').
            var glob = entries[i].Trim();
            while (glob.StartsWith("./", StringComparison.Ordinal)) glob = glob[2..];
            if (ClaimRules.GlobProblemOrNull(glob) is { } problem) v.Add($"files[{i}]", problem);
            else if (!globs.Contains(glob, StringComparer.Ordinal)) globs.Add(glob);
        }
        return globs;
    }

    private ClaimResponse Answer(ClaimOutcome outcome, Claim candidate, DateTimeOffset now) => outcome.Result switch
    {
        ClaimResult.Granted => new ClaimResponse(outcome.Claim!, Created: true),
        ClaimResult.AlreadyHeld => new ClaimResponse(outcome.Claim!, Created: false),
        ClaimResult.Refused => throw Conflict(candidate, outcome.Holders, now),
        ClaimResult.SessionNotFound => throw SessionNotFound(candidate.SessionId),
        _ => throw new BatonException(ErrorCodes.SessionNotActive,
            $"Session {candidate.SessionId} is no longer active (ended, or no heartbeat for {core.Options.StaleAfter.TotalMinutes:0} min): claims belong to a live session. Run `baton sod` and claim again."),
    };

    /// <summary>409 <c>claim_conflict</c>: the detail names each holder (session, agent, since when) and what to do; <c>errors.holders</c> lists them one by one.</summary>
    internal static BatonException Conflict(Claim candidate, IReadOnlyList<Claim> holders, DateTimeOffset now) =>
        new(ErrorCodes.ClaimConflict, ConflictDetail(candidate, holders, now),
            new Dictionary<string, string[]> { ["holders"] = [.. holders.Select(h => Holder(h, now))] });

    internal static string ConflictDetail(Claim candidate, IReadOnlyList<Claim> holders, DateTimeOffset now) =>
        $"Refused: {candidate.Target} ({Text(candidate.Mode)}) conflicts with {string.Join("; ", holders.Select(h => Holder(h, now)))}. " +
        "Work on something else, ask that agent to `baton release`, or claim --shared if sharing is fine (shared never conflicts with shared).";

    private static string Holder(Claim h, DateTimeOffset now) =>
        $"{h.Target} held {Text(h.Mode)} by session {h.SessionId} (agent {h.Agent}) since {Timestamp.ToWire(h.CreatedAt)} " +
        $"({Math.Max(0, (long)(now - h.CreatedAt).TotalMinutes)} min; claim {h.Id})";

    private static string Text(ClaimMode mode) => mode == ClaimMode.Exclusive ? "exclusive" : "shared";

    private static BatonException NotFound(string id) =>
        new(ErrorCodes.ClaimNotFound, $"There is no claim '{id}'. `baton claims` lists the held claims and their ids.");

    private static BatonException SessionNotFound(string id) =>
        new(ErrorCodes.SessionNotFound, $"There is no session '{id}'. Run `baton sod` and claim with the session id it printed.");
}

