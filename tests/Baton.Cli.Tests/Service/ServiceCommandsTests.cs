using Baton.Cli.Commands;
using Baton.Local.Services;

namespace Baton.Cli.Tests.Service;

/// <summary>
/// <c>baton service install|status|uninstall</c> against a temporary home, with fake <c>systemctl</c>/<c>launchctl</c>
/// first on PATH recording their calls: the files' exact content, their modes, and what the supervisor was told.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServiceCommandsTests : IDisposable
{
    private const string Baton = "/opt/baton/baton";
    private readonly TempDirectory _home = new("baton-service-");
    private readonly FakeBin _bin;

    public ServiceCommandsTests()
    {
        _bin = new FakeBin(Path.Combine(_home.Path, "bin"));
        foreach (var program in new[] { "systemctl", "launchctl" })
        {
            // Records each call (arguments tab-separated); exits with the code in <program>.exit when there is one.
            _bin.Write(program, $$"""
                #!/bin/sh
                for a in "$@"; do printf '%s\t' "$a" >> '{{_bin.Directory}}/calls.log'; done
                printf '\n' >> '{{_bin.Directory}}/calls.log'
                echo "{{program}} answered $1"
                if [ -f '{{_bin.Directory}}/{{program}}.exit' ]; then exit "$(cat '{{_bin.Directory}}/{{program}}.exit')"; fi
                exit 0
                """);
        }
    }

    public void Dispose() => _home.Dispose();

    private string DataDir => Path.Combine(_home.Path, "data");

    private string UnitPath => Path.Combine(_home.Path, ".config", "systemd", "user", "baton-worker.service");

    private string EnvPath => Path.Combine(_home.Path, ".config", "baton", "baton-worker.env");

    private string PlistPath => Path.Combine(_home.Path, "Library", "LaunchAgents", "dev.baton.worker.plist");

    private List<string> Calls()
    {
        var log = Path.Combine(_bin.Directory, "calls.log");
        return File.Exists(log) ? File.ReadAllLines(log).Select(l => l.TrimEnd('\t').Replace('\t', ' ')).ToList() : [];
    }

    private Dictionary<string, string> Environment(string? key = "bk_secret$1")
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = _home.Path,
            ["PATH"] = _bin.SearchPath,
            ["BATON_URL"] = "https://baton.example.com",
            ["BATON_DATA_DIR"] = DataDir,
            ["BATON_REPO_ROOTS"] = "/home/me/dev:/srv/clones",
            ["SOMETHING_ELSE"] = "not passed",
        };
        if (key is not null) environment["BATON_KEY"] = key;
        return environment;
    }

    private async Task<CliResult> RunAsync(ServicePlatform platform, Dictionary<string, string> environment, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var runtime = new CliRuntime(environment, _home.Path, output, error, "box");
        var root = BatonCli.BuildRoot(runtime);
        root.Subcommands.Remove(root.Subcommands.Single(c => c.Name == "service"));
        root.Subcommands.Add(ServiceCommands.Build(runtime, new ServiceHost(platform, [Baton], Uid: 501, Grace: TimeSpan.FromSeconds(60))));
        var parse = root.Parse(args);
        Assert.Empty(parse.Errors);
        var code = await parse.InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return new CliResult(code, output.ToString(), error.ToString());
    }

    private string ExpectedUnit(string path) => $"""
        # Written by `baton service install --worker`; `baton service status` says whether it is still what install would write.
        [Unit]
        Description=Baton worker: runs this machine's agents (worker.json)

        [Service]
        Type=exec
        ExecStart="/opt/baton/baton" "worker"
        Restart=on-failure
        RestartSec=5
        KillMode=mixed
        KillSignal=SIGTERM
        TimeoutStopSec=90
        Environment="BATON_DATA_DIR={DataDir}"
        Environment="BATON_URL=https://baton.example.com"
        Environment="BATON_REPO_ROOTS=/home/me/dev:/srv/clones"
        Environment="PATH={path}"
        EnvironmentFile={EnvPath}
        StandardOutput=journal
        StandardError=journal
        SyslogIdentifier=baton-worker

        [Install]
        WantedBy=default.target

        """;

    [Fact]
    public async Task Install_Systemd_WritesTheUnitAndA0600SecretsFileThenEnablesIt()
    {
        var result = await RunAsync(ServicePlatform.Systemd, Environment(), "service", "install");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedUnit(_bin.SearchPath), File.ReadAllText(UnitPath));
        Assert.DoesNotContain("bk_secret", File.ReadAllText(UnitPath));
        Assert.Equal("# Secrets of a Baton service (mode 0600), written by `baton service install`.\nBATON_KEY=\"bk_secret\\$1\"\n", File.ReadAllText(EnvPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(EnvPath));
        Assert.Equal(["--user daemon-reload", "--user enable --now baton-worker.service"], Calls());
        Assert.Contains($"{UnitPath}: installed.", result.Out);
        Assert.Contains("journalctl --user -u baton-worker.service", result.Out);
    }

    [Fact]
    public async Task Install_SameAgain_IsUpToDateAndStillEnables()
    {
        await RunAsync(ServicePlatform.Systemd, Environment(), "service", "install");

        var again = await RunAsync(ServicePlatform.Systemd, Environment(), "service", "install", "--worker");

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("already installed and current", again.Out);
        Assert.Equal(["--user daemon-reload", "--user enable --now baton-worker.service", "--user daemon-reload", "--user enable --now baton-worker.service"], Calls());
    }

    [Fact]
    public async Task Install_DifferentUnitThere_RefusesSayingWhatDiffersThenForceReplacesAndRestarts()
    {
        await RunAsync(ServicePlatform.Systemd, Environment(), "service", "install");
        var moved = Environment();
        moved["BATON_URL"] = "https://other.example.com";
        moved["BATON_KEY"] = "bk_rotated";

        var refused = await RunAsync(ServicePlatform.Systemd, moved, "service", "install");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("- Environment=\"BATON_URL=https://baton.example.com\"", refused.Error);
        Assert.Contains("+ Environment=\"BATON_URL=https://other.example.com\"", refused.Error);
        Assert.Contains($"{EnvPath}: the secrets differ (values not shown)", refused.Error);
        Assert.DoesNotContain("bk_", refused.Error);
        Assert.Contains("--force", refused.Error);
        Assert.Contains("https://baton.example.com", File.ReadAllText(UnitPath));

        var forced = await RunAsync(ServicePlatform.Systemd, moved, "service", "install", "--force");

        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Contains("https://other.example.com", File.ReadAllText(UnitPath));
        Assert.Contains("bk_rotated", File.ReadAllText(EnvPath));
        Assert.Equal("--user restart baton-worker.service", Calls()[^1]);
    }

    [Fact]
    public async Task Install_NoSecrets_NoEnvironmentFileAndAnOldOneRemoved()
    {
        await RunAsync(ServicePlatform.Systemd, Environment(), "service", "install");

        var result = await RunAsync(ServicePlatform.Systemd, Environment(key: null), "service", "install", "--force");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("EnvironmentFile=", File.ReadAllText(UnitPath));
        Assert.False(File.Exists(EnvPath));
    }

    [Fact]
    public async Task Install_SystemctlFails_ExitsOneSayingSo()
    {
        File.WriteAllText(Path.Combine(_bin.Directory, "systemctl.exit"), "1");

        var result = await RunAsync(ServicePlatform.Systemd, Environment(), "service", "install");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("systemctl --user daemon-reload: failed (exit 1)", result.Error);
        Assert.Contains("systemctl answered --user", result.Error);
        Assert.Equal(["--user daemon-reload"], Calls());
    }

    [Fact]
    public async Task Install_Server_RunsServeWithoutTheClientsUrlAndKey()
    {
        var environment = Environment();
        environment["DOTNET_ROOT"] = "/usr/share/dotnet";
        var result = await RunAsync(ServicePlatform.Systemd, environment, "service", "install", "--server");

        Assert.True(result.ExitCode == 0, result.ToString());
        var unit = File.ReadAllText(Path.Combine(_home.Path, ".config", "systemd", "user", "baton-server.service"));
        Assert.Contains("ExecStart=\"/opt/baton/baton\" \"serve\"\n", unit);
        Assert.Contains("SyslogIdentifier=baton-server\n", unit);
        Assert.DoesNotContain("BATON_URL", unit);
        Assert.Contains("Environment=\"DOTNET_ROOT=/usr/share/dotnet\"\n", unit);
        Assert.DoesNotContain("EnvironmentFile", unit);
        Assert.Equal(["--user daemon-reload", "--user enable --now baton-server.service"], Calls());
    }

    [Fact]
    public async Task Status_ReportsMissingCurrentAndDifferent()
    {
        var missing = await RunAsync(ServicePlatform.Systemd, Environment(), "service", "status", "--worker");
        Assert.Contains("worker: not installed", missing.Out);
        Assert.Empty(Calls());

        await RunAsync(ServicePlatform.Systemd, Environment(), "service", "install");
        var current = await RunAsync(ServicePlatform.Systemd, Environment(), "service", "status");
        Assert.Contains($"worker: {UnitPath} is installed and current.", current.Out);
        Assert.Contains("$ systemctl --user status --no-pager baton-worker.service\nsystemctl answered --user", current.Out);
        Assert.Contains("server: not installed", current.Out);

        var changed = Environment();
        changed["BATON_REPO_ROOTS"] = "/elsewhere";
        var different = await RunAsync(ServicePlatform.Systemd, changed, "service", "status", "--worker");
        Assert.Contains("is installed but differs from what install would write now:", different.Out);
        Assert.Contains("+ Environment=\"BATON_REPO_ROOTS=/elsewhere\"", different.Out);
        Assert.Equal("--user status --no-pager baton-worker.service", Calls()[^1]);
    }

    [Fact]
    public async Task Uninstall_Systemd_DisablesAndDeletesBothFiles()
    {
        await RunAsync(ServicePlatform.Systemd, Environment(), "service", "install");

        var result = await RunAsync(ServicePlatform.Systemd, Environment(), "service", "uninstall");

        Assert.Equal(0, result.ExitCode);
        Assert.False(File.Exists(UnitPath));
        Assert.False(File.Exists(EnvPath));
        Assert.Equal(["--user disable --now baton-worker.service", "--user daemon-reload"], Calls()[2..]);

        var again = await RunAsync(ServicePlatform.Systemd, Environment(), "service", "uninstall");
        Assert.Contains("not installed; nothing to remove", again.Out);
        Assert.Equal(4, Calls().Count);
    }

    [Fact]
    public async Task Install_Launchd_WritesThePlistAndBootstrapsIt()
    {
        var result = await RunAsync(ServicePlatform.Launchd, Environment(), "service", "install");

        Assert.True(result.ExitCode == 0, result.ToString());
        var log = Path.Combine(_home.Path, "Library", "Logs", "baton", "baton-worker.log");
        Assert.Equal($"""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <!-- Written by `baton service install --worker`; `baton service status` says whether it is still what install would write. -->
            <plist version="1.0">
            <dict>
              <key>Label</key>
              <string>dev.baton.worker</string>
              <key>ProgramArguments</key>
              <array>
                <string>/opt/baton/baton</string>
                <string>worker</string>
              </array>
              <key>EnvironmentVariables</key>
              <dict>
                <key>BATON_DATA_DIR</key>
                <string>{DataDir}</string>
                <key>BATON_URL</key>
                <string>https://baton.example.com</string>
                <key>BATON_REPO_ROOTS</key>
                <string>/home/me/dev:/srv/clones</string>
                <key>PATH</key>
                <string>{_bin.SearchPath}</string>
                <key>BATON_KEY</key>
                <string>bk_secret$1</string>
              </dict>
              <key>RunAtLoad</key>
              <true/>
              <key>KeepAlive</key>
              <dict>
                <key>SuccessfulExit</key>
                <false/>
              </dict>
              <key>ThrottleInterval</key>
              <integer>5</integer>
              <key>ExitTimeOut</key>
              <integer>90</integer>
              <key>StandardOutPath</key>
              <string>{log}</string>
              <key>StandardErrorPath</key>
              <string>{log}</string>
            </dict>
            </plist>

            """, File.ReadAllText(PlistPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PlistPath));
        Assert.True(Directory.Exists(Path.GetDirectoryName(log)));
        Assert.Equal([$"bootstrap gui/501 {PlistPath}"], Calls());
        Assert.Contains($"Logs: {log}.", result.Out);
    }

    [Fact]
    public async Task StatusAndUninstall_Launchd_PrintAndBootOut()
    {
        await RunAsync(ServicePlatform.Launchd, Environment(), "service", "install");

        var status = await RunAsync(ServicePlatform.Launchd, Environment(), "service", "status", "--worker");
        var uninstall = await RunAsync(ServicePlatform.Launchd, Environment(), "service", "uninstall", "--worker");

        Assert.Contains("is installed and current", status.Out);
        Assert.Equal(0, uninstall.ExitCode);
        Assert.False(File.Exists(PlistPath));
        Assert.Equal(["print gui/501/dev.baton.worker", "bootout gui/501/dev.baton.worker"], Calls()[1..]);
    }

    [Fact]
    public async Task Install_BothKinds_IsAUsageError()
    {
        var result = await RunAsync(ServicePlatform.Systemd, Environment(), "service", "install", "--worker", "--server");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Choose one of --worker and --server.", result.Error);
        Assert.False(File.Exists(UnitPath));
    }

    [Fact]
    public void SystemdUnit_SpecialCharacters_AreEscapedForSystemd()
    {
        var spec = new ServiceSpec(ServiceKind.Worker, ["/opt/my baton/ba%ton$x"], [new("BATON_REPO_ROOTS", "/a \"b\"\\c%d")], [], TimeSpan.FromSeconds(10));

        var unit = ServiceUnits.SystemdUnit(spec, "/unused.env");

        Assert.Contains("ExecStart=\"/opt/my baton/ba%%ton$$x\" \"worker\"\n", unit);
        Assert.Contains("Environment=\"BATON_REPO_ROOTS=/a \\\"b\\\"\\\\c%%d\"\n", unit);
        Assert.Contains("TimeoutStopSec=40\n", unit);
        Assert.DoesNotContain("EnvironmentFile", unit);
    }

    [Fact]
    public async Task Install_ValueWithALineBreak_IsRefusedNamingTheVariable()
    {
        var environment = Environment();
        environment["BATON_REPO_ROOTS"] = "/a\n/b";

        var result = await RunAsync(ServicePlatform.Systemd, environment, "service", "install");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("BATON_REPO_ROOTS contains a line break", result.Error);
        Assert.False(File.Exists(UnitPath));
    }
}
