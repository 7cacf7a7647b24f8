using System.Text.RegularExpressions;
using Baton.Core.Common;
using Baton.Core.Ventures;

namespace Baton.Core.Knowledge;

/// <summary>
/// Local implementation of <see cref="INoteService"/>: the knowledge store's notes. Notes are written only when someone
/// asks, and never when they look like they carry a secret.
/// </summary>
internal sealed partial class NoteService(IKnowledgeStore knowledge, IVentureStore ventures, BatonCore core, Caller caller) : INoteService
{
    private const int MaxContentChars = 100_000;
    private const int MaxTags = 20;

    public async Task<Note> CreateNoteAsync(CreateNoteRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var venture = v.Required("venture", request.Venture, 12);
        var title = v.NoBidiControls("title", v.Required("title", request.Title, 200))!;
        var content = v.Required("content", request.Content, MaxContentChars, multiline: true);
        var tags = Tags(v, request.Tags);
        var source = v.Text("source", request.Source, 200);
        v.ThrowIfAny();

        await EnsureMayWriteAsync(venture, ct);
        RefuseSecrets(title, content);
        var now = core.Now();
        var note = new Note(core.Ids.New(IdGenerator.Note), venture, title, content, tags, false, now, now, caller.ActorKeyId, source);
        // The note as stored: a retry of a request whose answer was lost gets the one its first attempt stored.
        return await knowledge.InsertNoteAsync(note, ct);
    }

    public async Task<Note> UpdateNoteAsync(string id, UpdateNoteRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var title = v.NoBidiControls("title", v.Text("title", request.Title, 200));
        if (title is { Length: 0 }) v.Add("title", "must not be empty.");
        var content = request.Content is null ? null : v.Required("content", request.Content, MaxContentChars, multiline: true);
        var tags = request.Tags is null ? null : Tags(v, request.Tags);
        v.ThrowIfAny();

        var existing = await NoteOrThrowAsync(id, ct);
        await EnsureMayWriteAsync(existing.Venture, ct);
        RefuseSecrets(title ?? "", content ?? "");
        return await knowledge.UpdateNoteAsync(id, title, content, tags, core.Now(), ct) ?? throw NotFound(id);
    }

    public async Task<Note> ArchiveNoteAsync(string id, CancellationToken ct)
    {
        var existing = await NoteOrThrowAsync(id, ct);
        await EnsureMayWriteAsync(existing.Venture, ct);
        return await knowledge.SetNoteArchivedAsync(id, true, core.Now(), ct) ?? throw NotFound(id);
    }

    public async Task<Note> GetNoteAsync(string id, CancellationToken ct) => await NoteOrThrowAsync(id, ct);

    public async Task<Page<NoteHit>> SearchNotesAsync(NoteSearchRequest request, CancellationToken ct)
    {
        var v = new Validator();
        var limit = v.Range("limit", request.Limit, 1, PageRequest.MaxLimit, PageRequest.DefaultLimit);
        var q = v.Text("q", request.Q, 500);
        var tag = v.Text("tag", request.Tag, 50);
        v.ThrowIfAny();

        var venture = caller.ScopeFilter(request.Venture);
        var includeGlobal = request.IncludeGlobal ?? true;
        IReadOnlyList<string>? ventures = venture is null ? null : includeGlobal ? [venture, Venture.Global] : [venture];
        IReadOnlyList<string>? exclude = venture is null && !includeGlobal ? [Venture.Global] : null;
        return await knowledge.SearchNotesAsync(
            new NoteQuery(string.IsNullOrWhiteSpace(q) ? null : q, tag is null ? null : [tag], ventures, exclude,
                request.IncludeArchived ?? false, new PageRequest(limit, request.Cursor)), ct);
    }

    private async Task<Note> NoteOrThrowAsync(string id, CancellationToken ct)
    {
        var note = await knowledge.FindNoteOrNullAsync(id, ct) ?? throw NotFound(id);
        if (note.Venture != Venture.Global) caller.EnsureMayActFor(note.Venture);
        return note;
    }

    /// <summary>Venture notes need a key that may act for the venture; global notes need an unscoped key.</summary>
    private async Task EnsureMayWriteAsync(string venture, CancellationToken ct)
    {
        if (venture == Venture.Global)
        {
            if (caller.VentureScope is not null)
                throw new BatonException(ErrorCodes.Forbidden, $"This key is scoped to '{caller.VentureScope}'; global notes need an unscoped key.");
            return;
        }
        caller.EnsureMayActFor(venture);
        await VentureRules.FindOrThrowAsync(ventures, venture, ct);
    }

    /// <summary>Refuses text that looks like a credential, naming the kind and the line, never the value.</summary>
    internal static void RefuseSecrets(string title, string content)
    {
        var finding = SecretScanner.Scan(title).Select(f => f with { Line = 0 }).Concat(SecretScanner.Scan(content)).FirstOrDefault();
        if (finding is null) return;
        var where = finding.Line == 0 ? "the title" : $"line {finding.Line}";
        throw new BatonException(ErrorCodes.SecretDetected,
            $"This looks like it contains a secret ({finding.Kind} on {where}). Nothing was stored. Remove the secret — keep " +
            "secrets in your secrets manager and write where to find them instead — then try again.");
    }

    private static IReadOnlyList<string> Tags(Validator v, IReadOnlyList<string>? tags)
    {
        if (tags is null) return [];
        var cleaned = v.Entries("tags", tags).Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (cleaned.Count > MaxTags) v.Add("tags", $"at most {MaxTags} tags (got {cleaned.Count}).");
        foreach (var tag in cleaned.Where(t => !TagPattern().IsMatch(t)))
            v.Add("tags", $"'{tag}' must be 1–50 characters of a–z, 0–9, '-', '_', ':' or '.'.");
        return cleaned;
    }

    private static BatonException NotFound(string id) =>
        new(ErrorCodes.NoteNotFound, $"There is no note '{id}'. `baton notes <words>` finds notes by what they say.");

    [GeneratedRegex("^[a-z0-9_:.-]{1,50}$")]
    private static partial Regex TagPattern();
}
