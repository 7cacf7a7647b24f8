using System.Diagnostics;
using System.Text.RegularExpressions;
using Baton.Cli.Tests.Process;

namespace Baton.Cli.Tests.Project;

/// <summary><c>baton init</c>, <c>decision add</c>, <c>status refresh</c> and <c>eod --git</c> as processes in local mode, on a real git repo.</summary>
public sealed partial class ProjectProcessTests : IDisposable
{
    private readonly Workspace _workspace = new();

    public ProjectProcessTests()
    {
        foreach (var kind in new[] { "AUTHOR", "COMMITTER" })
        {
            _workspace.Environment[$"GIT_{kind}_NAME"] = "Test Person";
            _workspace.Environment[$"GIT_{kind}_EMAIL"] = "test@example.com";
        }
    }

    private string RepoFile(string relative) => Path.Combine(_workspace.Repo, relative);

    private string Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = _workspace.Repo, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in _workspace.Environment) start.Environment[name] = value;
        start.Environment["HOME"] = _workspace.Home;
        using var git = System.Diagnostics.Process.Start(start)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', args)}: {git.StandardError.ReadToEnd()}");
        return output;
    }

    [Fact]
    public async Task Init_InFreshRepo_WritesConfigAndTheThreeFiles()
    {
        var result = await _workspace.RunAsync("init");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("4 created, 0 kept", result.Out);
        Assert.Contains("\"venture\": \"alpha\"", File.ReadAllText(RepoFile(".baton/config.json")));
        var status = File.ReadAllText(RepoFile("STATUS.md"));
        foreach (var heading in new[] { "## Current phase", "## Current deliverable", "### P0", "### P1", "### P2", "## Resume checklist", "<!-- baton:begin sessions -->", "<!-- baton:end open-work -->" })
            Assert.Contains(heading, status);
        var agents = File.ReadAllText(RepoFile("AGENTS.md"));
        Assert.Contains("baton sod", agents);
        Assert.Contains("BLOCKED:", agents);
        Assert.Contains("TRIED:", agents);
        Assert.Contains("NEED:", agents);
        Assert.Contains("## Stop rules", agents);
        Assert.Contains("newest first", File.ReadAllText(RepoFile("DECISIONS.md")));
    }

    [Fact]
    public async Task Init_WithExistingFiles_KeepsThemByteForByteAndSaysSo()
    {
        File.WriteAllText(RepoFile("STATUS.md"), "my own status\n");
        File.WriteAllText(RepoFile("AGENTS.md"), "my own rules\n");

        var result = await _workspace.RunAsync("init", "--venture", "alpha");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("kept     STATUS.md", result.Out);
        Assert.Contains("kept     AGENTS.md", result.Out);
        Assert.Contains("2 created, 2 kept", result.Out);
        Assert.Equal("my own status\n", File.ReadAllText(RepoFile("STATUS.md")));
        Assert.Equal("my own rules\n", File.ReadAllText(RepoFile("AGENTS.md")));
        Assert.True(File.Exists(RepoFile("DECISIONS.md")));
    }

    [Fact]
    public async Task Init_UnknownVenture_FailsAndWritesNothing()
    {
        var result = await _workspace.RunAsync("init", "--venture", "nope");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("There is no venture 'nope'", result.Error);
        Assert.False(File.Exists(RepoFile("STATUS.md")));
    }

    [Fact]
    public async Task Init_OutsideAGitRepo_SaysSoAndFails()
    {
        var plain = Path.Combine(_workspace.Root, "plain");
        Directory.CreateDirectory(plain);
        var start = _workspace.StartInfo(_workspace.Environment, ["init", "--venture", "alpha"]);
        start.WorkingDirectory = plain;
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TestTimeouts.Default).Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("is not inside a git repository", error);
    }

    [Fact]
    public async Task DecisionAdd_Twice_PrependsNewestFirstAndNeverEditsOldEntries()
    {
        await _workspace.RunAsync("init");
        var first = await _workspace.RunAsync("decision", "add", "--title", "SQLite first", "--context", "One laptop", "--decision", "Embed SQLite",
            "--alternatives", "PostgreSQL only");
        var afterFirst = File.ReadAllText(RepoFile("DECISIONS.md"));
        var second = await _workspace.RunAsync("decision", "add", "--title", "PostgreSQL too", "--context", "Several replicas", "--decision", "Add a store",
            "--consequences", "Two stores to test", "--supersedes", "SQLite first");
        var text = File.ReadAllText(RepoFile("DECISIONS.md"));

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        var firstEntry = afterFirst[afterFirst.IndexOf("## ", StringComparison.Ordinal)..];
        Assert.EndsWith(firstEntry, text);
        Assert.True(text.IndexOf("PostgreSQL too", StringComparison.Ordinal) < text.IndexOf("SQLite first", StringComparison.Ordinal));
        Assert.Matches(@"## \d{4}-\d{2}-\d{2} — PostgreSQL too\n\n- \*\*Status:\*\* accepted\n- \*\*Context:\*\* Several replicas\n", text);
        Assert.Contains("- **Supersedes:** SQLite first", text);
        Assert.Contains("- **Alternatives:** PostgreSQL only", text);
        Assert.StartsWith("# Decisions", text);
    }

    [Fact]
    public async Task DecisionAdd_WithoutDecisionsFile_TellsToRunInit()
    {
        var result = await _workspace.RunAsync("decision", "add", "--title", "x", "--context", "y", "--decision", "z");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("baton init", result.Error);
    }

    [Fact]
    public async Task StatusRefresh_FillsGeneratedSectionsAndKeepsHandWrittenPartsByteForByte()
    {
        await _workspace.RunAsync("init");
        var edited = File.ReadAllText(RepoFile("STATUS.md"))
            .Replace("_The phase the project is in (e.g. \"MVP build\", \"beta hardening\"), and what ends it._", "Beta hardening — ends at 1.0.")
            .Replace("### P0 — blocks the deliverable; do next\n\n- _…_", "### P0 — blocks the deliverable; do next\n\n- Fix the login race");
        File.WriteAllText(RepoFile("STATUS.md"), edited);
        Assert.Equal(0, (await _workspace.RunAsync("sod", "--agent", "ender")).ExitCode);
        Assert.Equal(0, (await _workspace.RunAsync("eod", "--agent", "ender", "--summary", "Half of the race fixed", "--status", "in_progress",
            "--in-progress", "Lock around token refresh", "--blocked", "Need staging DB access", "--next", "Add a regression test")).ExitCode);
        Assert.Equal(0, (await _workspace.RunAsync("sod", "--agent", "worker", "--track", "docs")).ExitCode);

        var result = await _workspace.RunAsync("status", "refresh");
        var text = File.ReadAllText(RepoFile("STATUS.md"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(HandWritten(edited), HandWritten(text));
        Assert.Contains("Beta hardening — ends at 1.0.", text);
        Assert.Matches(@"- \*\*worker\*\* \(cli\) on example-org/alpha-console \[docs\]", Section(text, "sessions"));
        Assert.Contains("1 active session", Section(text, "sessions"));
        Assert.Contains("**ender** on example-org/alpha-console [main], in_progress: Half of the race fixed", Section(text, "handoffs"));
        var open = Section(text, "open-work");
        Assert.Contains("- **Blocked:** Need staging DB access", open);
        Assert.Contains("- **In progress:** Lock around token refresh", open);
        Assert.Contains("- **Next:** Add a regression test", open);
        Assert.Contains("latest handoff of each repo and track", open);
    }

    [Fact]
    public async Task StatusRefresh_WithUnpairedMarkers_NamesTheSectionAndLeavesTheFile()
    {
        await _workspace.RunAsync("init");
        var broken = File.ReadAllText(RepoFile("STATUS.md")).Replace("<!-- baton:end handoffs -->", "");
        File.WriteAllText(RepoFile("STATUS.md"), broken);

        var result = await _workspace.RunAsync("status", "refresh");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("section 'handoffs'", result.Error);
        Assert.Equal(broken, File.ReadAllText(RepoFile("STATUS.md")));
    }

    [Fact]
    public async Task EodGit_WithYes_WritesMarkdownAndCommitsOnlyThatFile()
    {
        File.WriteAllText(RepoFile("staged.txt"), "not mine to commit\n");
        Git("add", "staged.txt");
        await _workspace.RunAsync("sod", "--agent", "tester");

        var result = await _workspace.RunAsync("eod", "--agent", "tester", "--git", "--yes", "--summary", "Done with fleet", "--status", "done",
            "--accomplished", "fleet list", "--next", "ssh-config docs");

        Assert.Equal(0, result.ExitCode);
        var markdown = File.ReadAllText(RepoFile("docs/handoffs/tester.md"));
        foreach (var heading in new[] { "## Accomplished\n\n- fleet list", "## In progress\n\n- (none)", "## Blocked", "## Next steps\n\n- ssh-config docs" })
            Assert.Contains(heading, markdown);
        Assert.Contains("Done with fleet", result.Out);
        Assert.Equal("docs/handoffs/tester.md", Git("show", "--name-only", "--format=", "HEAD").Trim());
        Assert.Contains("Handoff from tester: Done with fleet", Git("log", "-1", "--format=%s"));
        Assert.Contains("A  staged.txt", Git("status", "--porcelain"));
    }

    [Fact]
    public async Task EodGit_WhenAnsweredNo_LeavesTheFileUncommitted()
    {
        await _workspace.RunAsync("sod", "--agent", "tester");

        var result = await _workspace.RunWithInputAsync("n\n", "eod", "--agent", "tester", "--git", "--summary", "Stopping", "--status", "in_progress");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Commit docs/handoffs/tester.md? [y/N]", result.Out);
        Assert.Contains("Not committed", result.Out);
        Assert.True(File.Exists(RepoFile("docs/handoffs/tester.md")));
        Assert.Contains("?? docs/", Git("status", "--porcelain"));
    }

    [Fact]
    public async Task EodGit_AnsweredYesWithPush_CommitsAndPushesToTheRemote()
    {
        var bare = Path.Combine(_workspace.Root, "remote.git");
        Git("init", "-q", "--bare", bare);
        Git("config", "remote.origin.pushurl", bare);
        await _workspace.RunAsync("sod", "--agent", "tester");

        var result = await _workspace.RunWithInputAsync("yes\n", "eod", "--agent", "tester", "--git", "--push", "--summary", "Pushed", "--status", "done");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Pushed to origin", result.Out);
        Assert.Equal(Git("rev-parse", "HEAD").Trim(), Git("--git-dir", bare, "rev-parse", Git("rev-parse", "--abbrev-ref", "HEAD").Trim()).Trim());
    }

    [Fact]
    public async Task EodGit_WhenPushFails_SaysTheHandoffIsSavedAndFails()
    {
        Git("config", "remote.origin.pushurl", Path.Combine(_workspace.Root, "missing.git"));
        await _workspace.RunAsync("sod", "--agent", "tester");

        var result = await _workspace.RunAsync("eod", "--agent", "tester", "--git", "--yes", "--push", "--summary", "x", "--status", "done");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("`git push` failed", result.Error);
        Assert.Contains("saved in Baton", result.Error);
    }

    /// <summary>The file with the body of every generated section removed: what must stay byte for byte.</summary>
    private static string HandWritten(string text) => GeneratedBody().Replace(text, "${begin}${end}");

    private static string Section(string text, string name)
    {
        var begin = text.IndexOf($"<!-- baton:begin {name} -->", StringComparison.Ordinal);
        var end = text.IndexOf($"<!-- baton:end {name} -->", StringComparison.Ordinal);
        return text[begin..end];
    }

    [GeneratedRegex(@"(?<begin><!-- baton:begin (?<n>[a-z-]+) -->\n)[\s\S]*?(?<end><!-- baton:end \k<n> -->)")]
    private static partial Regex GeneratedBody();

    public void Dispose() => _workspace.Dispose();
}
