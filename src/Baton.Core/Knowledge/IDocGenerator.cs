using Baton.Core.Ventures;

namespace Baton.Core.Knowledge;

/// <summary>
/// Builds a required doc from a local clone. A port because it reads the repository's files: Core stays free of I/O,
/// and the machine-side implementation (<c>Baton.Local.Docs.RepoDocGenerator</c>) is handed in by the front end.
/// </summary>
public interface IDocGenerator
{
    /// <summary>Never throws for a missing or unreadable source: a failed <see cref="GeneratedDoc"/> says why.</summary>
    GeneratedDoc Generate(string name, IReadOnlyList<string> sources, Venture venture, string repoPath, DateTimeOffset now);
}
