using System.Collections.Concurrent;
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

    /// <summary>
    /// The environment of every baton process: only this world's settings (the machine's own Baton settings are
    /// removed, a null value removes a variable), the fake gh first on PATH.
    /// </summary>
    public Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = System.Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(BatonProcess.IsMachineSetting).ToDictionary(name => name, string? (_) => null);
        foreach (var (name, value) in Settings) environment[name] = value;
        foreach (var (name, value) in extra ?? new Dictionary<string, string>()) environment[name] = value;
        return environment;
    }

    /// <summary>What this world sets for every baton process.</summary>
    private Dictionary<string, string> Settings => new() { ["HOME"] = Home, ["PATH"] = Gh.Bin.SearchPath, ["DOTNET_NOLOGO"] = "1" };

    /// <summary>Starts <c>baton mcp</c> with the SDK's stdio client and completes the initialize handshake.</summary>
    public async Task<McpClient> StartMcpAsync(IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "baton",
            Command = "dotnet",
            Arguments = [BatonProcess.DllPath, "mcp", .. args],
            WorkingDirectory = Repo.Path,
            EnvironmentVariables = Environment(environment),
            StandardErrorLines = line => Stderr.Enqueue(line),
        });
        return await McpClient.CreateAsync(transport, ClientOptions, cancellationToken: TestTimeouts.Token());
    }

    /// <summary>
    /// The options of every client <see cref="StartMcpAsync"/> creates. The protocol version is pinned to the
    /// <c>initialize</c> handshake, the one the agent CLIs use. Left unset, the SDK client first sends
    /// <c>server/discover</c> and, when no answer comes within <see cref="McpClientOptions.DiscoverProbeTimeout"/>
    /// (5 s), sends <c>initialize</c> on the same pipe. A cold <c>baton mcp</c> on a loaded machine (in server mode
    /// next to a <c>baton serve</c> that is still warming up) can take longer than that, so both requests end up
    /// queued on its stdin. The server handles each on its own task and the first one handled fixes the session's
    /// protocol version; that is usually <c>server/discover</c>, sent first, and <c>initialize</c> is then refused
    /// ("Method 'initialize' is not available on protocol version '2026-07-28'"), so the connection fails.
    /// </summary>
    private McpClientOptions ClientOptions { get; } = new()
    {
        ClientInfo = new Implementation { Name = "process-test", Version = "1.0" },
        ProtocolVersion = "2025-11-25",
    };

    /// <summary><c>baton mcp <paramref name="args"/></c> in the repo with this world's settings, for a test that speaks raw JSON-RPC lines.</summary>
    public System.Diagnostics.ProcessStartInfo McpStartInfo(params string[] args) => BatonProcess.StartInfo(Repo.Path, Settings, ["mcp", .. args]);

    /// <summary>Starts <c>baton serve</c> on a free loopback port over this world's data directory.</summary>
    public Task<ServeProcess> StartServeAsync() =>
        ServeProcess.StartAsync(BatonProcess.StartInfo(Repo.Path, Settings, ["serve", "--listen", "127.0.0.1:0", "--rate-limit", "0"]));

    /// <summary>What the baton processes wrote to stderr, for failure messages.</summary>
    public ConcurrentQueue<string> Stderr { get; } = new();

    public void Dispose() => Repo.Dispose();
}
