using System.Diagnostics;
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
    private TempGitRepo(string root, string path)
    {
        Root = root;
        Path = path;
    }

    /// <summary>The temp directory holding the repo (and anything else the test puts beside it).</summary>
    public string Root { get; }

    /// <summary>The working tree.</summary>
    public string Path { get; }

    /// <summary>A repo on branch main with one commit and, when given, an origin remote.</summary>
    public static TempGitRepo Create(string? originUrl = "git@github.com:example-org/alpha-console.git", string name = "alpha-console", bool commit = true)
    {
        var root = Directory.CreateTempSubdirectory("baton-mcp-").FullName;
        var repo = new TempGitRepo(root, System.IO.Path.Combine(root, name));
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

    public string Git(params string[] args) => RunGit(Path, args);

    public static string RunGit(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var git = System.Diagnostics.Process.Start(start)!;
        var output = git.StandardOutput.ReadToEnd();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
        return output.Trim();
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a process may still be closing files; the temp cleaner gets it */ }
    }
}

/// <summary>
/// A fake <c>gh</c>: a shell script that records every call's arguments (one line each, tab-separated) and answers
/// from canned files beside it. Tests put it first on PATH (process tests) or name it as the gh command (in memory).
/// </summary>
public sealed class FakeGh
{
    public FakeGh(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, "gh");
        File.WriteAllText(Path, $$"""
            #!/bin/sh
            dir='{{directory}}'
            for a in "$@"; do printf '%s\t' "$a" >> "$dir/calls.log"; done
            printf '\n' >> "$dir/calls.log"
            case "$1" in
              auth)
                if [ -f "$dir/unauthenticated" ]; then echo "You are not logged into any GitHub hosts. To log in, run: gh auth login" >&2; exit 1; fi
                echo "Logged in to github.com account test"; exit 0 ;;
              issue)
                if [ -f "$dir/unauthenticated" ]; then echo "To get started with GitHub CLI, please run:  gh auth login" >&2; exit 4; fi
                case "$2" in
                  list) cat "$dir/issues.json" ;;
                  create) echo "https://github.com/$4/issues/101" ;;
                esac ;;
              api) cat "$dir/total.txt" ;;
            esac
            """.Replace("\r\n", "\n"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Issues = "[]";
        Total = "0";
    }

    public string Directory { get; }

    public string Path { get; }

    public string Issues { set => File.WriteAllText(System.IO.Path.Combine(Directory, "issues.json"), value); }

    public string Total { set => File.WriteAllText(System.IO.Path.Combine(Directory, "total.txt"), value); }

    public bool Authenticated
    {
        set
        {
            var marker = System.IO.Path.Combine(Directory, "unauthenticated");
            if (value) File.Delete(marker);
            else File.WriteAllText(marker, "");
        }
    }

    /// <summary>Every call so far, as argument lists.</summary>
    public IReadOnlyList<string[]> Calls
    {
        get
        {
            var log = System.IO.Path.Combine(Directory, "calls.log");
            return File.Exists(log)
                ? File.ReadAllLines(log).Where(l => l.Length > 0).Select(l => l.TrimEnd('\t').Split('\t')).ToList()
                : [];
        }
    }

    /// <summary>A JSON issue as gh prints it.</summary>
    public static string Issue(int number, string title, params string[] labels) =>
        JsonSerializer.Serialize(new
        {
            number,
            title,
            labels = labels.Select(l => new { name = l }).ToArray(),
            url = $"https://github.com/example-org/alpha-console/issues/{number}",
        });
}
