using System.Diagnostics;
using Baton.Cli.Tests.Process;

namespace Baton.Cli.Tests.Launch;

/// <summary>
/// <c>baton session</c> with a fake <c>tmux</c> that records its argv (and, when installed, the real tmux on a private
/// socket directory), and <c>baton doctor</c> with fake agent CLIs, <c>gh</c> and <c>infisical</c> first on PATH.
/// </summary>
public sealed class SessionAndDoctorProcessTests : IDisposable
{
    private readonly Workspace _workspace = new();
    private readonly FakeBin _bin;
    private readonly string _record;

    public SessionAndDoctorProcessTests()
    {
        _bin = new FakeBin(Path.Combine(_workspace.Root, "bin"));
        _record = Path.Combine(_workspace.Root, "tmux-calls.txt");
        // Each call is one line: its arguments separated by '|'. has-session answers what FAKE_TMUX_HAS says.
        _bin.Write("tmux", """
            #!/bin/sh
            line=""; for a in "$@"; do line="$line$a|"; done
            echo "$line" >> "$RECORD_FILE"
            if [ "$1" = "has-session" ]; then exit "${FAKE_TMUX_HAS:-1}"; fi
            exit 0
            """);
        _workspace.Environment["PATH"] = _bin.SearchPath;
        _workspace.Environment["RECORD_FILE"] = _record;
        _workspace.Environment["BATON_REPO_ROOTS"] = _workspace.Root;
    }

    private List<string[]> TmuxCalls() =>
        File.Exists(_record) ? File.ReadAllLines(_record).Select(l => l.TrimEnd('|').Split('|')).ToList() : [];

    [Fact]
    public async Task Session_WhenTmuxSessionMissing_CreatesItRunningLaunchWithoutPassingTheKey()
    {
        _workspace.Environment["BATON_KEY"] = "bk_secret_should_not_be_in_argv";

        var result = await _workspace.RunAsync("session", "alpha", "--", "--codex");

        Assert.Equal(0, result.ExitCode);
        var calls = TmuxCalls();
        Assert.Equal(["has-session", "-t", "=baton-alpha"], calls[0]);
        var create = calls[1];
        Assert.Equal(["new-session", "-s", "baton-alpha"], create[..3]);
        Assert.EndsWith(" launch alpha --codex", create[^1]);
        Assert.Contains($"BATON_REPO_ROOTS={_workspace.Root}", create);
        Assert.DoesNotContain(create, a => a.Contains("bk_secret", StringComparison.Ordinal));
        Assert.Contains("creating tmux session baton-alpha", result.Error);
    }

    [Fact]
    public async Task Session_WhenTmuxSessionExists_AttachesOrSwitchesInsideTmux()
    {
        _workspace.Environment["FAKE_TMUX_HAS"] = "0";

        var outside = await _workspace.RunAsync("session", "alpha");
        _workspace.Environment["TMUX"] = "/tmp/tmux-1/default,1,0";
        var inside = await _workspace.RunAsync("session", "alpha");

        Assert.Equal(0, outside.ExitCode);
        Assert.Equal(0, inside.ExitCode);
        var calls = TmuxCalls();
        Assert.Equal(["attach-session", "-t", "=baton-alpha"], calls[1]);
        Assert.Equal(["switch-client", "-t", "=baton-alpha"], calls[3]);
        Assert.DoesNotContain(calls, c => c[0] == "new-session");
    }

    [Fact]
    public async Task Session_UnknownVenture_FailsBeforeTouchingTmux()
    {
        var result = await _workspace.RunAsync("session", "nope");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("There is no venture 'nope'", result.Error);
        Assert.Empty(TmuxCalls());
    }

    [Fact]
    public async Task Session_WithoutTmux_SaysHowToInstallItAndFails()
    {
        _bin.Remove("tmux");
        _workspace.Environment["PATH"] = _bin.Directory;

        var result = await _workspace.RunAsync("session", "alpha");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("tmux is not installed", result.Error);
    }

    [Fact]
    public async Task Session_WithRealTmux_FindsTheExactSessionNameOnly()
    {
        var which = Run("/bin/sh", "-c", "command -v tmux");
        if (which.ExitCode != 0) return; // no tmux on this machine: the fake-tmux tests above cover the logic
        var realTmux = which.Output.Trim();
        _bin.Remove("tmux");
        var socketDir = Directory.CreateTempSubdirectory("baton-tmux-").FullName;
        _workspace.Environment["TMUX_TMPDIR"] = socketDir;
        var env = new Dictionary<string, string> { ["TMUX_TMPDIR"] = socketDir };
        try
        {
            // Only a session whose name starts like ours: an unanchored -t would take it for baton-alpha's.
            Assert.Equal(0, Run(realTmux, env, "new-session", "-d", "-s", "baton-alphabet", "sleep 60").ExitCode);

            var prefixOnly = await _workspace.RunAsync("session", "alpha");
            Assert.Equal(0, Run(realTmux, env, "new-session", "-d", "-s", "baton-alpha", "sleep 60").ExitCode);
            var exact = await _workspace.RunAsync("session", "alpha");

            Assert.Contains("creating tmux session baton-alpha", prefixOnly.Error);
            Assert.Contains("attaching to tmux session baton-alpha", exact.Error);
            Assert.NotEqual(0, exact.ExitCode); // attach needs a terminal, which a test has not: tmux's own failure is passed through
        }
        finally
        {
            Run(realTmux, env, "kill-server");
            Directory.Delete(socketDir, recursive: true);
        }
    }

    [Fact]
    public async Task Doctor_OnAHealthyMachine_PassesEveryCheckThatMattersAndExitsZero()
    {
        _bin.Write("claude", "#!/bin/sh\nexit 0");
        _bin.Write("gh", "#!/bin/sh\necho 'Logged in to github.com'; exit 0");
        _bin.Write("infisical", "#!/bin/sh\necho '{\"BATON_KEY\": \"bk_test\"}'");
        Assert.Equal(0, (await _workspace.RunAsync("launch", "alpha")).ExitCode); // registers baton mcp in the repo's .mcp.json
        Assert.Equal(0, (await _workspace.RunAsync("fleet", "register")).ExitCode);

        var result = await _workspace.RunAsync("doctor");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("PASS  baton", result.Out);
        Assert.Contains("PASS  agent claude", result.Out);
        Assert.Contains("WARN  agent codex", result.Out);
        Assert.Contains("npm install -g @openai/codex", result.Out);
        Assert.Contains("PASS  mcp claude", result.Out);
        Assert.Contains("PASS  baton mcp", result.Out);
        Assert.Contains("answers initialize", result.Out);
        Assert.Contains("PASS  git", result.Out);
        Assert.Contains("PASS  gh", result.Out);
        Assert.Contains("PASS  secrets alpha", result.Out);
        Assert.Contains("PASS  machine", result.Out);
        Assert.Contains("0 failed", result.Out);
    }

    [Fact]
    public async Task Doctor_WithMalformedGeminiSettingsAndNoProvider_ReportsEachFailWithItsFixAndExitsOne()
    {
        _bin.Write("gemini", "#!/bin/sh\nexit 0");
        var settings = Path.Combine(_workspace.Home, ".gemini", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        File.WriteAllText(settings, "{ broken");

        var result = await _workspace.RunAsync("doctor");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  mcp gemini", result.Out);
        Assert.Contains("is not valid JSON", result.Out);
        Assert.Contains("FAIL  secrets alpha", result.Out);
        Assert.Contains("infisical is not installed", result.Out);
        Assert.Contains("WARN  gh", result.Out);
        Assert.Contains("WARN  machine", result.Out);
        Assert.Contains("`baton fleet register`", result.Out);
        Assert.Equal("{ broken", File.ReadAllText(settings));
    }

    [Fact]
    public async Task Doctor_OnAServerOnlyMachineWithoutAgentClis_WarnsAndExitsZero()
    {
        OnlyFakesAndGitOnPath();
        File.WriteAllText(Path.Combine(_workspace.DataDir, "launch.json"), """{"ventures":{"alpha":{"secrets":{"provider":"none"}}}}""");

        var result = await _workspace.RunAsync("doctor");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("WARN  agents", result.Out);
        Assert.Contains("server-only", result.Out);
        Assert.DoesNotContain("FAIL", result.Out);
    }

    [Fact]
    public async Task DoctorJson_PrintsEveryCheckWithItsStatusAndTheCounts()
    {
        OnlyFakesAndGitOnPath();
        File.WriteAllText(Path.Combine(_workspace.DataDir, "launch.json"), """{"ventures":{"alpha":{"secrets":{"provider":"none"}}}}""");

        var result = await _workspace.RunAsync("doctor", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var report = System.Text.Json.JsonDocument.Parse(result.Out);
        var checks = report.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("pass", checks["baton"]);
        Assert.Equal("warn", checks["agents"]);
        Assert.Equal("pass", checks["baton mcp"]);
        Assert.Equal(0, report.RootElement.GetProperty("failed").GetInt32());
        Assert.Equal(checks.Count, report.RootElement.GetProperty("passed").GetInt32() + report.RootElement.GetProperty("warnings").GetInt32());
    }

    /// <summary>PATH holds the fakes and a git that runs the real one, so no agent CLI installed on the test machine is found.</summary>
    private void OnlyFakesAndGitOnPath()
    {
        var git = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "git")).First(File.Exists);
        _bin.Write("git", $"#!/bin/sh\nexec '{git}' \"$@\"");
        _workspace.Environment["PATH"] = _bin.Directory;
    }

    [Fact]
    public async Task Doctor_WhenServerUnreachable_FailsWithTheFix()
    {
        _workspace.Environment["BATON_URL"] = "http://127.0.0.1:9";
        _workspace.Environment["BATON_KEY"] = "bk_whatever";

        var result = await _workspace.RunAsync("doctor");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  baton", result.Out);
        Assert.Contains("Could not reach Baton", result.Out);
        Assert.Contains("baton serve", result.Out);
    }

    private static (int ExitCode, string Output) Run(string program, params string[] args) => Run(program, new Dictionary<string, string>(), args);

    private static (int ExitCode, string Output) Run(string program, IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in env) start.Environment[name] = value;
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    public void Dispose() => _workspace.Dispose();
}
