using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Baton.Cli.Tests.Process;

/// <summary><c>baton serve</c> refusing to start says why in one line and exits 2, leaving nothing behind (docs/architecture.md §1).</summary>
public sealed class ServeStartTests : IDisposable
{
    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    private Task<CliResult> ServeAsync(params string[] args) =>
        _workspace.RunAsync(["serve", "--rate-limit", "0", .. args]);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Serve_OnReadOnlyDataDirectory_Exits2WithOneLineNamingTheDirectory()
    {
        var dataDir = Path.Combine(_workspace.Root, "read-only-data");
        Directory.CreateDirectory(dataDir);
        using var readOnly = ReadOnlyDirectory.Make(dataDir);

        var result = await ServeAsync("--listen", "127.0.0.1:0", "--data-dir", dataDir);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(Lines(result.Error));
        Assert.Contains(dataDir, line);
        Assert.Contains("not writable", line);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.False(File.Exists(Path.Combine(dataDir, "admin.key")));
    }

    [Fact]
    public async Task Serve_OnDataDirectoryThatCannotBeCreated_Exits2WithOneLineNamingIt()
    {
        var file = Path.Combine(_workspace.Root, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        var dataDir = Path.Combine(file, "data");

        var result = await ServeAsync("--listen", "127.0.0.1:0", "--data-dir", dataDir);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(Lines(result.Error));
        Assert.Contains(dataDir, line);
        Assert.Contains("cannot be created", line);
    }

    [Fact]
    public async Task Serve_OnPortAlreadyInUse_Exits2WithOneLineAndWritesNoAdminKey()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var listen = $"127.0.0.1:{((IPEndPoint)holder.LocalEndpoint).Port}";

        var result = await ServeAsync("--listen", listen);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(Lines(result.Error));
        Assert.Contains($"cannot listen on {listen}", line);
        Assert.Contains("already in use", line);
        Assert.DoesNotContain("Admin key written", result.Out);
        Assert.False(File.Exists(Path.Combine(_workspace.DataDir, "admin.key")), "no admin key may be minted by a server that never listened");
    }

    [Fact]
    public async Task Serve_WithUnknownDurability_Exits2NamingTheAllowedValues()
    {
        var result = await ServeAsync("--listen", "127.0.0.1:0", "--durability", "paranoid");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("BATON_DURABILITY (from --durability) is 'paranoid'", result.Error);
        Assert.Contains("'full'", result.Error);
    }

    [Fact]
    public async Task Serve_WithDurabilityFullFromTheEnvironment_StartsAndServes()
    {
        await using var server = await ServeProcess.StartAsync(_workspace.StartInfo(
            new Dictionary<string, string> { ["BATON_DURABILITY"] = "full" }, ["serve", "--listen", "127.0.0.1:0", "--rate-limit", "0"]));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        using var health = await http.GetAsync("healthz");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.NotNull(server.AdminKeyPath);
    }

    /// <summary>
    /// A directory this process cannot write: mode 0555 for an ordinary user; as root (which ignores modes) the
    /// immutable attribute, which root too must respect. Undone on dispose. Fails the test if neither works here.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private sealed class ReadOnlyDirectory(string path, bool immutable) : IDisposable
    {
        public static ReadOnlyDirectory Make(string path)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            if (!Writable(path)) return new ReadOnlyDirectory(path, immutable: false);
            Run("chattr", "+i", path);
            Assert.False(Writable(path), $"cannot make {path} read-only here (running as root without chattr +i?)");
            return new ReadOnlyDirectory(path, immutable: true);
        }

        public void Dispose()
        {
            if (immutable) Run("chattr", "-i", path);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        private static bool Writable(string path)
        {
            var probe = Path.Combine(path, ".probe");
            try
            {
                File.WriteAllText(probe, "");
                File.Delete(probe);
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        private static void Run(string file, params string[] args)
        {
            using var process = System.Diagnostics.Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, UseShellExecute = false })!;
            process.WaitForExit();
        }
    }
}
