using System.Diagnostics;

namespace Baton.Cli.Tests.Process;

/// <summary>
/// <c>baton guard</c> in a real git repository with the built <c>baton</c> (docs/architecture.md §15 Claims): the
/// pre-commit hook refuses a commit touching a file another live session holds exclusively, naming it and its holder;
/// the user's own pre-commit hook still runs first with its exit code; <c>BATON_GUARD=off</c> lets one commit through;
/// with Baton unreachable the commit goes through with one line on stderr.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GuardProcessTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private async Task<string> GivenClaimedByAnotherSessionAsync()
    {
        var holder = new Dictionary<string, string> { ["BATON_AGENT"] = "holder-agent" };
        Assert.Equal(0, (await _ws.RunWithAsync(holder, "sod")).ExitCode);
        var claim = await _ws.RunWithAsync(holder, "claim", "src/**");
        Assert.True(claim.ExitCode == 0, claim.ToString());
        var committer = await _ws.RunWithAsync(new Dictionary<string, string> { ["BATON_AGENT"] = "committer" }, "sod");
        Assert.Equal(0, committer.ExitCode);
        return claim.Out;
    }

    private void WriteUserHook(string body)
    {
        var hook = Path.Combine(_ws.Repo, ".git", "hooks", "pre-commit");
        File.WriteAllText(hook, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(hook, File.GetUnixFileMode(hook) | UnixFileMode.UserExecute);
    }

    private void Stage(string path)
    {
        var full = Path.Combine(_ws.Repo, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, "content " + Guid.NewGuid() + "\n");
        _ws.Git("add", path);
    }

    /// <summary><c>git commit</c> as the committer agent, with only this workspace's settings (git runs the hook with them).</summary>
    private async Task<CliResult> CommitAsync(Dictionary<string, string>? extra = null)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = _ws.Repo, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-q", "-m", "change" }) start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(BatonProcess.IsMachineSetting).ToList()) start.Environment.Remove(name);
        start.Environment["HOME"] = _ws.Home;
        start.Environment["BATON_AGENT"] = "committer";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in extra ?? []) start.Environment[name] = value;
        using var git = System.Diagnostics.Process.Start(start)!;
        var stdout = git.StandardOutput.ReadToEndAsync();
        var stderr = git.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        await git.WaitForExitAsync(timeout.Token);
        return new CliResult(git.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Commit_TouchingAFileAnotherSessionHoldsExclusively_IsRefusedNamingItAfterTheUsersHookRan()
    {
        await GivenClaimedByAnotherSessionAsync();
        var ran = Path.Combine(_ws.Root, "user-hook-ran");
        WriteUserHook($"echo ran > '{ran}'");
        var install = await _ws.RunAsync("guard", "install");
        Stage("src/a.cs");
        Stage("docs/free.md");

        var commit = await CommitAsync();

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.True(commit.ExitCode != 0, commit.ToString());
        Assert.Contains("src/a.cs", commit.Error, StringComparison.Ordinal);
        Assert.Contains("agent holder-agent", commit.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("docs/free.md", commit.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(ran), "the user's pre-commit hook did not run");
        Assert.True(File.Exists(Path.Combine(_ws.Repo, ".git", "hooks", "pre-commit.baton-chained")));
    }

    [Fact]
    public async Task Commit_WithGuardOff_GoesThroughOnce()
    {
        await GivenClaimedByAnotherSessionAsync();
        Assert.Equal(0, (await _ws.RunAsync("guard", "install")).ExitCode);
        Stage("src/a.cs");

        var off = await CommitAsync(new() { ["BATON_GUARD"] = "off" });
        Stage("src/b.cs");
        var next = await CommitAsync();

        Assert.True(off.ExitCode == 0, off.ToString());
        Assert.Contains("BATON_GUARD=off", off.Error, StringComparison.Ordinal);
        Assert.True(next.ExitCode != 0, next.ToString());
        Assert.Contains("src/b.cs", next.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_OfTheHoldersOwnClaimedFile_GoesThrough()
    {
        await GivenClaimedByAnotherSessionAsync();
        Assert.Equal(0, (await _ws.RunAsync("guard", "install")).ExitCode);
        Stage("src/a.cs");

        var commit = await CommitAsync(new() { ["BATON_AGENT"] = "holder-agent" });

        Assert.True(commit.ExitCode == 0, commit.ToString());
    }

    [Fact]
    public async Task Commit_OfTheHoldersOwnClaimedFile_WithNoSessionFile_GoesThroughBecauseTheAgentIsTheHolder()
    {
        await GivenClaimedByAnotherSessionAsync();
        // As if the holder had started its session through MCP: no session file remembers it on this machine.
        File.Delete(Path.Combine(_ws.DataDir, "cli-sessions.json"));
        Assert.Equal(0, (await _ws.RunAsync("guard", "install")).ExitCode);
        Stage("src/a.cs");

        var own = await CommitAsync(new() { ["BATON_AGENT"] = "holder-agent" });
        Stage("src/b.cs");
        var other = await CommitAsync();

        Assert.True(own.ExitCode == 0, own.ToString());
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("src/b.cs", other.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_WhenBatonIsUnreachable_GoesThroughWithOneLineOnStderr()
    {
        Assert.Equal(0, (await _ws.RunAsync("guard", "install")).ExitCode);
        Stage("src/a.cs");

        // Nothing listens on port 1: server mode cannot reach Baton.
        var commit = await CommitAsync(new() { ["BATON_URL"] = "http://127.0.0.1:1", ["BATON_KEY"] = "bk_test" });

        Assert.True(commit.ExitCode == 0, commit.ToString());
        var line = Assert.Single(commit.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("baton guard: could not check claims", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hook_WhenTheUsersHookFails_ExitsWithItsCodeAndInstallIsIdempotent()
    {
        WriteUserHook("exit 3");
        Assert.Equal(0, (await _ws.RunAsync("guard", "install")).ExitCode);
        var again = await _ws.RunAsync("guard", "install");
        var hook = Path.Combine(_ws.Repo, ".git", "hooks", "pre-commit");

        var start = new ProcessStartInfo(hook) { WorkingDirectory = _ws.Repo, RedirectStandardError = true, RedirectStandardOutput = true };
        using var run = System.Diagnostics.Process.Start(start)!;
        await run.WaitForExitAsync();

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(3, run.ExitCode);
        Assert.Equal("#!/bin/sh\nexit 3\n", File.ReadAllText(Path.Combine(_ws.Repo, ".git", "hooks", "pre-commit.baton-chained")));
    }
}
