using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Baton.Mcp.Tests.Support;

/// <summary>Reading tool results the way an agent would: the text, and the structured content.</summary>
public static class Results
{
    public static string Text(this CallToolResult result) =>
        string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    public static JsonElement Data(this CallToolResult result) =>
        result.StructuredContent ?? throw new InvalidOperationException("The result has no structured content:\n" + result.Text());

    public static CallToolResult Ok(this CallToolResult result)
    {
        Assert.False(result.IsError == true, "Expected success, got an error result:\n" + System.Text.Json.JsonSerializer.Serialize(result));
        return result;
    }

    public static CallToolResult Failed(this CallToolResult result)
    {
        Assert.True(result.IsError == true, "Expected an error result, got success:\n" + result.Text());
        return result;
    }
}

/// <summary>A real git repository in a temp directory; every command is the real git.</summary>
public sealed class TempGitRepo : IDisposable
{
    private readonly TempDirectory _root;

    private TempGitRepo(TempDirectory root, string name)
    {
        _root = root;
        Path = System.IO.Path.Combine(root.Path, name);
    }

    /// <summary>The temp directory holding the repo (and anything else the test puts beside it).</summary>
    public string Root => _root.Path;

    /// <summary>The working tree.</summary>
    public string Path { get; }

    /// <summary>A repo on branch main with one commit and, when given, an origin remote.</summary>
    public static TempGitRepo Create(string? originUrl = "git@github.com:example-org/alpha-console.git", string name = "alpha-console", bool commit = true)
    {
        var repo = new TempGitRepo(new TempDirectory("baton-mcp-"), name);
        Directory.CreateDirectory(repo.Path);
        repo.Git("init", "-q", "-b", "main");
        repo.Git("config", "user.email", "test@example.com");
        repo.Git("config", "user.name", "Test");
        if (originUrl is not null) repo.Git("remote", "add", "origin", originUrl);
        if (commit) repo.Commit("README.md", "# Alpha console\n\nThe operator console of Project Alpha.\n");
        return repo;
    }

    public void Commit(string file, string content)
    {
        Write(file, content);
        Git("add", file);
        Git("commit", "-q", "-m", "add " + file);
    }

    public void Write(string file, string content)
    {
        var full = System.IO.Path.Combine(Path, file);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public string Head => Git("rev-parse", "HEAD");

    /// <summary>Runs git in the working tree; returns its output trimmed.</summary>
    public string Git(params string[] args) => RealGit.Run(Path, args).Trim();

    public void Dispose() => _root.Dispose();
}
