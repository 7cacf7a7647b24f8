using Baton.Cli.Tests.Process;

namespace Baton.Cli.Tests.Fleet;

/// <summary><c>baton fleet</c> as a process in local mode, with a temp HOME holding its own ~/.ssh.</summary>
public sealed class FleetProcessTests : IDisposable
{
    private const string OwnKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOwnKeyOfThisMachine000000000000000000000 me@here";
    private const string OtherKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherOneKey00000000000000000000000000000 bob@other1";
    private const string SecondKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISecondKey000000000000000000000000000000 eve@other2";

    private readonly Workspace _workspace = new();
    private readonly string _ssh;

    public FleetProcessTests()
    {
        _ssh = Path.Combine(_workspace.Home, ".ssh");
        Directory.CreateDirectory(_ssh);
        File.WriteAllText(Path.Combine(_ssh, "id_ed25519.pub"), OwnKey + "\n");
        _workspace.Environment["USER"] = "tester";
    }

    private string SshFile(string name) => Path.Combine(_ssh, name);

    private static UnixFileMode Mode(string path) =>
        OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(path);

    private async Task RegisterOthersAsync()
    {
        Assert.Equal(0, (await _workspace.RunAsync("fleet", "register", "--hostname", "Other1", "--address", "10.0.0.2", "--ssh-public-key", OtherKey, "--ssh-user", "bob")).ExitCode);
        Assert.Equal(0, (await _workspace.RunAsync("fleet", "register", "--hostname", "other2", "--address", "other2.lan", "--ssh-public-key", SecondKey)).ExitCode);
    }

    [Fact]
    public async Task Register_WithNoFlags_FillsInHostnameKeyAndUserAndListShowsIt()
    {
        var first = await _workspace.RunAsync("fleet", "register");
        var second = await _workspace.RunAsync("fleet", "register");
        var list = await _workspace.RunAsync("fleet", "list");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("registered", first.Out);
        Assert.Contains("ssh user tester", first.Out);
        Assert.Contains("from " + SshFile("id_ed25519.pub"), first.Out);
        Assert.Contains("updated", second.Out);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("(this one)", list.Out);
        Assert.Contains("ssh-ed25519", list.Out);
        Assert.Contains("just now", list.Out);
        Assert.EndsWith("1 machine", list.Out.TrimEnd());
    }

    [Fact]
    public async Task List_WithLimit_SaysItShowsASliceOfTheTotal()
    {
        await RegisterOthersAsync();
        await _workspace.RunAsync("fleet", "register");

        var list = await _workspace.RunAsync("fleet", "list", "--limit", "2");

        Assert.Equal(0, list.ExitCode);
        Assert.Contains("showing 2 of 3 machines; next page: --cursor", list.Out);
    }

    [Fact]
    public async Task Register_WithMalformedKey_NamesTheFieldAndFails()
    {
        var result = await _workspace.RunAsync("fleet", "register", "--ssh-public-key", "not a key\nsecond line");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ssh_public_key", result.Error);
    }

    [Fact]
    public async Task SshConfig_WritesOtherHostsMissingKeysAndIncludeAndKeepsEverythingElse()
    {
        await RegisterOthersAsync();
        await _workspace.RunAsync("fleet", "register");
        const string config = "Host personal\n  HostName personal.example.com\n";
        // The same key as other1's, with another comment and an option: already authorized, so not added again.
        var keys = "# mine\nfrom=\"10.0.0.0/8\" " + OtherKey.Replace("bob@other1", "old-comment") + "\n";
        File.WriteAllText(SshFile("config"), config);
        File.WriteAllText(SshFile("authorized_keys"), keys);

        var result = await _workspace.RunAsync("fleet", "ssh-config");

        Assert.Equal(0, result.ExitCode);
        var hosts = File.ReadAllText(SshFile("config.d/baton-fleet"));
        Assert.Contains("Host other1\n  HostName 10.0.0.2\n  User bob\n", hosts);
        Assert.Contains("Host other2\n  HostName other2.lan\n", hosts);
        Assert.DoesNotContain("Host " + Environment.MachineName.ToLowerInvariant() + "\n", hosts);
        Assert.Equal(keys + SecondKey + "\n", File.ReadAllText(SshFile("authorized_keys")));
        Assert.Equal("Include config.d/*\n\n" + config, File.ReadAllText(SshFile("config")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, Mode(SshFile("config.d/baton-fleet")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, Mode(SshFile("config.d")));
        // An existing file keeps its mode, less anything ssh would refuse (group or other write).
        Assert.Equal(UnixFileMode.None, Mode(SshFile("authorized_keys")) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
    }

    [Fact]
    public async Task SshConfig_SecondRun_ChangesNoByteAndNoMtime()
    {
        await RegisterOthersAsync();
        var first = await _workspace.RunAsync("fleet", "ssh-config");
        var files = new[] { "config.d/baton-fleet", "authorized_keys", "config" }.Select(SshFile).ToList();
        var before = files.Select(f => (Bytes: File.ReadAllBytes(f), Mtime: File.GetLastWriteTimeUtc(f))).ToList();

        var second = await _workspace.RunAsync("fleet", "ssh-config");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("3 files changed", first.Out);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("Nothing to do", second.Out);
        for (var i = 0; i < files.Count; i++)
        {
            Assert.Equal(before[i].Bytes, File.ReadAllBytes(files[i]));
            Assert.Equal(before[i].Mtime, File.GetLastWriteTimeUtc(files[i]));
        }
    }

    [Fact]
    public async Task SshConfig_DryRun_SaysWhatWouldChangeAndWritesNothing()
    {
        await RegisterOthersAsync();
        File.WriteAllText(SshFile("config"), "Host x\n");

        var result = await _workspace.RunAsync("fleet", "ssh-config", "--dry-run");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("would change", result.Out);
        Assert.Contains("add keys of other1, other2", result.Out);
        Assert.False(Directory.Exists(SshFile("config.d")));
        Assert.False(File.Exists(SshFile("authorized_keys")));
        Assert.Equal("Host x\n", File.ReadAllText(SshFile("config")));
    }

    [Fact]
    public async Task SshConfig_WhenConfigAlreadyIncludesConfigD_LeavesItAlone()
    {
        const string config = "Host a\n  User z\n\nInclude ~/.ssh/config.d/*\n";
        File.WriteAllText(SshFile("config"), config);
        var mtime = File.GetLastWriteTimeUtc(SshFile("config"));

        var result = await _workspace.RunAsync("fleet", "ssh-config");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(config, File.ReadAllText(SshFile("config")));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(SshFile("config")));
        Assert.Contains("is not registered", result.Error);
    }

    public void Dispose() => _workspace.Dispose();
}
