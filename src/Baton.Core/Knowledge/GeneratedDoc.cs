namespace Baton.Core.Knowledge;

/// <summary>A generated doc, or why none could be made. <see cref="Sources"/> are repo-relative paths.</summary>
public sealed record GeneratedDoc(bool Success, string Name, string Title, string Content, IReadOnlyList<string> Sources, string? Reason)
{
    public static GeneratedDoc Failed(string name, string reason) => new(false, name, "", "", [], reason);
}
