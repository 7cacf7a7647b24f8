using Baton.Core.Common;

namespace Baton.Core.Knowledge;

// Request and response shapes shared by the HTTP API, the typed client and local mode. Request fields are nullable
// on purpose: the services validate them and name every bad field, the same way in both modes.

// Requests and answers of the knowledge side (issue 3): notes, docs, doc requirements and the audit.

/// <summary>How SOD delivers docs: an index (default), whole contents (for agents that cannot call tools mid-session), or nothing.</summary>
public enum DocsFormat { Index, Full, None }

public sealed record CreateNoteRequest(string? Venture, string? Title, string? Content, IReadOnlyList<string>? Tags = null, string? Source = null);

public sealed record UpdateNoteRequest(string? Title = null, string? Content = null, IReadOnlyList<string>? Tags = null);

/// <summary>
/// A docs search: <see cref="Q"/> is plain words (required), every one of which a doc must hold in its name, title or
/// content; among the docs <see cref="Venture"/> sees (its own and global ones; every doc when null). At most
/// <see cref="Limit"/> hits (default 20, at most 200), with the exact number of docs that match.
/// </summary>
public sealed record DocSearchRequest(string? Q, string? Venture = null, int? Limit = null);

/// <summary>A docs search hit: the doc's summary and a snippet of its content, matched words marked <c>**like this**</c>.</summary>
public sealed record DocHit(DocSummary Doc, string Snippet);

/// <summary>A note search: <see cref="Q"/> is plain words; <see cref="IncludeGlobal"/> defaults to true.</summary>
public sealed record NoteSearchRequest(
    string? Q = null,
    string? Tag = null,
    string? Venture = null,
    bool? IncludeGlobal = null,
    bool? IncludeArchived = null,
    int? Limit = null,
    string? Cursor = null);

/// <summary>
/// A doc upload. <see cref="Generated"/> marks a doc made by the generator (<c>baton docs heal</c>); an agent key may
/// upload such a doc when it fulfils a requirement of a venture the key may act for.
/// </summary>
public sealed record PutDocRequest(
    string? Content,
    string? Title = null,
    string? DocType = null,
    string? SourceRepo = null,
    string? SourcePath = null,
    bool? Generated = null);

/// <summary>What an upload did: <see cref="Changed"/> is false when the content was the same as the current version.</summary>
public sealed record DocPutResponse(DocSummary Doc, bool Changed, string Message);

public sealed record DocRequirementRequest(
    string? NamePattern,
    RequirementScope? ScopeType,
    string? Venture = null,
    string? Capability = null,
    int? StalenessDays = null,
    bool? AutoGenerate = null,
    IReadOnlyList<string>? GenerationSources = null);

public interface INoteService
{
    Task<Note> CreateNoteAsync(CreateNoteRequest request, CancellationToken ct);
    Task<Note> UpdateNoteAsync(string id, UpdateNoteRequest request, CancellationToken ct);
    Task<Note> ArchiveNoteAsync(string id, CancellationToken ct);
    Task<Note> GetNoteAsync(string id, CancellationToken ct);
    Task<Page<NoteHit>> SearchNotesAsync(NoteSearchRequest request, CancellationToken ct);
}

public interface IDocService
{
    Task<DocPutResponse> PutDocAsync(string scope, string name, PutDocRequest request, CancellationToken ct);
    Task<Doc> GetDocAsync(string scope, string name, int? version, CancellationToken ct);
    /// <summary>The index a venture sees: its own docs and the global ones (all docs when <paramref name="venture"/> is null).</summary>
    Task<ListResult<DocSummary>> ListDocsAsync(string? venture, CancellationToken ct);
    /// <summary>Docs holding every word of the query, in index order, with the exact number that match (<see cref="DocSearchRequest"/>).</summary>
    Task<ListResult<DocHit>> SearchDocsAsync(DocSearchRequest request, CancellationToken ct);
    Task<DocAuditResult> AuditAsync(string venture, CancellationToken ct);
    Task<IReadOnlyList<DocRequirement>> ListRequirementsAsync(CancellationToken ct);
    /// <summary>Creates (id null) or replaces a requirement (admin).</summary>
    Task<DocRequirement> PutRequirementAsync(string? id, DocRequirementRequest request, CancellationToken ct);
    Task DeleteRequirementAsync(string id, CancellationToken ct);
}
