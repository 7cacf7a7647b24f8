using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Baton.Mcp.Tests.Support;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Baton.Mcp.Tests.Process;

/// <summary>
/// A scratch world for the built <c>baton</c>: a real git repo (origin example-org/alpha-console), a temp HOME whose
/// data directory holds a ventures.json, and a fake gh first on PATH.
/// </summary>
public sealed class ProcessWorld : IDisposable
{
    public const string VenturesJson = """
        { "ventures": [
            { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["alpha-console"] },
            { "code": "beta", "name": "Project Beta", "org": "example-org", "repos": ["beta-web"] } ] }
        """;

    public ProcessWorld()
    {
        Repo = TempGitRepo.Create();
        Home = Path.Combine(Repo.Root, "home");
        DataDir = Path.Combine(Home, ".local", "share", "baton");
        Directory.CreateDirectory(DataDir);
        File.WriteAllText(Path.Combine(DataDir, "ventures.json"), VenturesJson);
        Gh = new FakeGh(Path.Combine(Repo.Root, "bin"));
    }

    public TempGitRepo Repo { get; }
    public string Home { get; }
    public string DataDir { get; }
    public FakeGh Gh { get; }

    /// <summary><c>baton.dll</c>, copied next to the tests by the Baton.Cli project reference.</summary>
    public static string BatonDll { get; } = Path.Combine(AppContext.BaseDirectory, "baton.dll");

    /// <summary>The environment of every baton process: only this world's settings, the fake gh first on PATH.</summary>
    public Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = Home,
            ["PATH"] = Gh.Bin.SearchPath,
            ["DOTNET_NOLOGO"] = "1",
            ["BATON_URL"] = null, ["BATON_KEY"] = null, ["BATON_DATA_DIR"] = null, ["BATON_AGENT"] = null, ["XDG_DATA_HOME"] = null,
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string>()) environment[name] = value;
        return environment;
    }

    /// <summary>Starts <c>baton mcp</c> with the SDK's stdio client and completes the initialize handshake.</summary>
    public async Task<McpClient> StartMcpAsync(IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "baton",
            Command = "dotnet",
            Arguments = [BatonDll, "mcp", .. args],
            WorkingDirectory = Repo.Path,
            EnvironmentVariables = Environment(environment),
            StandardErrorLines = line => Stderr.Enqueue(line),
        });
        return await McpClient.CreateAsync(transport,
            new McpClientOptions { ClientInfo = new Implementation { Name = "process-test", Version = "1.0" } },
            cancellationToken: TestTimeouts.Token());
    }

    /// <summary>What the baton processes wrote to stderr, for failure messages.</summary>
    public ConcurrentQueue<string> Stderr { get; } = new();

    public void Dispose() => Repo.Dispose();
}

/// <summary>A running <c>baton serve</c> on a free loopback port, with the admin key it wrote.</summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServeProcess(System.Diagnostics.Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public string AdminKey { get; private set; } = "";

    public static async Task<ServeProcess> StartAsync(ProcessWorld world)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = world.Repo.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { ProcessWorld.BatonDll, "serve", "--listen", "127.0.0.1:0", "--rate-limit", "0" }) start.ArgumentList.Add(arg);
        foreach (var (name, value) in world.Environment())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        var process = new System.Diagnostics.Process { StartInfo = start, EnableRaisingEvents = true };
        var serve = new ServeProcess(process);
        process.OutputDataReceived += (_, e) => serve.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => serve.OnLine(e.Data);
        process.Exited += (_, _) => serve._listening.TrySetException(new InvalidOperationException("baton serve exited early:\n" + string.Join("\n", serve._lines)));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        serve.BaseAddress = await serve._listening.Task.WaitAsync(TestTimeouts.Default);
        serve.AdminKey = (await File.ReadAllTextAsync(Path.Combine(world.DataDir, "admin.key"))).Trim();
        return serve;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        if (ListeningLine().Match(line) is { Success: true } url) _listening.TrySetResult(new Uri(url.Groups[1].Value));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"Baton listening on (\S+)")]
    private static partial Regex ListeningLine();
}
