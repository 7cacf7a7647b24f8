using Baton.Core.Knowledge;
using Baton.Core.Ventures;

namespace Baton.Local.Docs;

/// <summary>Core's <see cref="IDocGenerator"/> port over <see cref="DocGenerator"/>, which reads the clone on this machine.</summary>
public sealed class RepoDocGenerator : IDocGenerator
{
    public static RepoDocGenerator Instance { get; } = new();

    public GeneratedDoc Generate(string name, IReadOnlyList<string> sources, Venture venture, string repoPath, DateTimeOffset now) =>
        DocGenerator.Generate(name, sources, venture, repoPath, now);
}
