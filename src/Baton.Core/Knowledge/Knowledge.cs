namespace Baton.Core.Knowledge;

/// <summary>
/// A note in the knowledge store: business context written only when someone asks. <see cref="Venture"/> is a venture
/// code or <c>global</c>.
/// </summary>
public sealed record Note(
    string Id,
    string Venture,
    string Title,
    string Content,
    IReadOnlyList<string> Tags,
    bool Archived,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ActorKeyId,
    string? Source);

/// <summary>A search hit: the note, a short snippet with the matched words marked <c>**like this**</c>, and its rank (lower is better, as bm25 gives it).</summary>
public sealed record NoteHit(Note Note, string Snippet, double Rank);

/// <summary>
/// A versioned operational document, keyed by (scope, name); scope is <c>global</c> or a venture code.
/// <see cref="Version"/> goes up only when <see cref="ContentHash"/> changes; earlier versions stay readable.
/// </summary>
public sealed record Doc(
    string Scope,
    string Name,
    string Title,
    string Content,
    string ContentHash,
    int SizeBytes,
    string? DocType,
    int Version,
    DateTimeOffset UpdatedAt,
    string? UploadedBy,
    string? SourceRepo,
    string? SourcePath,
    bool Generated);

/// <summary>
/// A doc as the index shows it: metadata only, never the content. <see cref="ContentHash"/> lets a client that holds a
/// copy (<c>baton docs sync</c>) tell whether it changed without fetching it.
/// </summary>
public sealed record DocSummary(
    string Scope,
    string Name,
    string Title,
    int Version,
    int SizeBytes,
    DateTimeOffset UpdatedAt,
    string? DocType,
    bool Generated,
    string ContentHash)
{
    public static DocSummary From(Doc d) => new(d.Scope, d.Name, d.Title, d.Version, d.SizeBytes, d.UpdatedAt, d.DocType, d.Generated, d.ContentHash);
}

public enum RequirementScope { Global, EveryVenture, Venture }

/// <summary>
/// A doc every venture (or one venture, or the global scope) must have. <see cref="NamePattern"/> may hold
/// <c>{venture}</c>, replaced by the venture code. <see cref="Capability"/>, when set, limits the requirement to
/// ventures with that capability (e.g. <c>has_api</c>).
/// </summary>
public sealed record DocRequirement(
    string Id,
    string NamePattern,
    RequirementScope ScopeType,
    string? Venture,
    string? Capability,
    int StalenessDays,
    bool AutoGenerate,
    IReadOnlyList<string> GenerationSources,
    DateTimeOffset CreatedAt);
