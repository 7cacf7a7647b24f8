using Baton.Core.Common;


namespace Baton.Core.Knowledge;

/// <summary>
/// The knowledge side of the storage port: notes (full-text searchable), versioned docs and doc requirements.
/// Every store implements it alongside <c>IBatonStore</c> and passes the same contract suite.
/// </summary>
public interface IKnowledgeStore
{
    // ---- notes ----
    /// <summary>Stores the note and returns it as stored. Under an Idempotency-Key whose earlier attempt already stored it, returns that one (docs/architecture.md §7).</summary>
    Task<Note> InsertNoteAsync(Note note, CancellationToken ct);
    Task<Note?> FindNoteOrNullAsync(string id, CancellationToken ct);
    /// <summary>Changes what is given (null leaves a field alone), sets <c>updated_at</c>; null when no such note.</summary>
    Task<Note?> UpdateNoteAsync(string id, string? title, string? content, IReadOnlyList<string>? tags, DateTimeOffset now, CancellationToken ct);
    Task<Note?> SetNoteArchivedAsync(string id, bool archived, DateTimeOffset now, CancellationToken ct);
    /// <summary>
    /// With <see cref="NoteQuery.Text"/>: full-text search ranked best first (bm25), each hit with a short snippet
    /// marking matched words as <c>**word**</c>. Without: newest first (<c>updated_at</c>). Exact total either way.
    /// <see cref="NoteQuery.Text"/> is plain words; the store turns it into a safe query of its own dialect, so text a
    /// query parser would reject (unbalanced quotes, bare operators) still searches as words.
    /// </summary>
    Task<Page<NoteHit>> SearchNotesAsync(NoteQuery query, CancellationToken ct);

    // ---- docs ----
    /// <summary>
    /// Stores a doc. When (scope, name) exists with the same content hash nothing changes and <see cref="DocPut.Changed"/>
    /// is false; otherwise the version goes up by one and the previous version stays readable.
    /// </summary>
    Task<DocPut> PutDocAsync(Doc candidate, CancellationToken ct);
    /// <summary>The current version, or <paramref name="version"/> when given.</summary>
    Task<Doc?> FindDocOrNullAsync(string scope, string name, int? version, CancellationToken ct);
    /// <summary>Current docs of the given scopes, ordered by scope then name; metadata only.</summary>
    Task<IReadOnlyList<DocSummary>> ListDocsAsync(IReadOnlyList<string> scopes, CancellationToken ct);

    // ---- doc requirements (a fresh store holds the default set) ----
    Task<IReadOnlyList<DocRequirement>> ListDocRequirementsAsync(CancellationToken ct);
    Task<DocRequirement?> FindDocRequirementOrNullAsync(string id, CancellationToken ct);
    /// <summary>Stores the requirement (insert or replace by id) and returns it as stored. Under an Idempotency-Key whose earlier attempt already stored it, returns that one (docs/architecture.md §7).</summary>
    Task<DocRequirement> UpsertDocRequirementAsync(DocRequirement requirement, CancellationToken ct);
    Task<bool> DeleteDocRequirementAsync(string id, CancellationToken ct);
}

/// <summary>Result of <see cref="IKnowledgeStore.PutDocAsync"/>: the doc as stored now, and whether this call changed it.</summary>
public sealed record DocPut(Doc Doc, bool Changed);

/// <summary>
/// A note search. <see cref="Ventures"/>: only these scopes (a venture code or <c>global</c>), null for all;
/// <see cref="ExcludeVentures"/>: never these. <see cref="AnyTags"/>: notes with at least one of them.
/// </summary>
public sealed record NoteQuery(
    string? Text,
    IReadOnlyList<string>? AnyTags,
    IReadOnlyList<string>? Ventures,
    IReadOnlyList<string>? ExcludeVentures,
    bool IncludeArchived,
    PageRequest Page);
