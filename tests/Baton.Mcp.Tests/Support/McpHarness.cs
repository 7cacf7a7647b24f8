using Baton.Mcp.Hosting;
using System.IO.Pipelines;
using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Ventures;
using Baton.Hosting;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp.Tests.Support;

/// <summary>
/// Baton's MCP server and an MCP client in this process, joined by a pipe pair (never stdio), over a real SQLite
/// store in a temp data directory, in local mode with a manual clock. One per test.
/// </summary>
public sealed class McpHarness : IAsyncDisposable
{
    public static readonly Venture Alpha = new("alpha", "Project Alpha", "example-org", ["alpha-console", "alpha-api"], [], null, null, false, []);
    public static readonly Venture Beta = new("beta", "Project Beta", "example-org", ["beta-web"], [], null, null, false, []);

    /// <summary>Where the harness clock starts: 2026-11-20 09:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private readonly Pipe _clientToServer = new();
    private readonly Pipe _serverToClient = new();
    private readonly CancellationTokenSource _stop = new();
    private ServiceProvider _provider = null!;
    private Task _serverTask = Task.CompletedTask;
    private BatonRuntime _runtime = null!;

    private McpHarness(TempGitRepo repo) => Repo = repo;

    public TempGitRepo Repo { get; }
    public ManualClock Clock { get; } = new(Start);
    public BatonServices Services { get; private set; } = null!;
    public McpClient Client { get; private set; } = null!;
    public FakeGh Gh { get; private set; } = null!;
    public string DataDir => Path.Combine(Repo.Root, "data");

    /// <summary>The store under the services, for a test that plays the workflow engine (a versioned update).</summary>
    public Baton.Core.Storage.IBatonStore Store => _runtime.Services.GetRequiredService<Baton.Core.Storage.IBatonStore>();

    /// <param name="configure">Changes the options (tool set, gh command, repo roots, working directory).</param>
    /// <param name="backend">Changes the backend description (mode, key) while keeping the local services.</param>
    public static async Task<McpHarness> StartAsync(TempGitRepo repo, Func<BatonMcpOptions, BatonMcpOptions>? configure = null,
        Func<BatonBackend, BatonBackend>? backend = null)
    {
        var harness = new McpHarness(repo);
        await harness.InitializeAsync(configure, backend);
        return harness;
    }

    private async Task InitializeAsync(Func<BatonMcpOptions, BatonMcpOptions>? configure, Func<BatonBackend, BatonBackend>? describe)
    {
        Directory.CreateDirectory(DataDir);
        var composition = new ServiceCollection().AddSingleton<TimeProvider>(Clock).AddSingleton(new Random(7))
            .AddBaton(new BatonOptions { ServerLabel = "local: test" }, new StoreOptions { DataDir = DataDir });
        _runtime = await BatonRuntime.StartAsync(composition, CancellationToken.None);
        await _runtime.Services.GetRequiredService<IVentureStore>().UpsertVenturesAsync([Alpha, Beta], CancellationToken.None);
        Services = _runtime.For(Caller.Local(IdGenerator.NewCorrelationId()));
        Gh = new FakeGh(Path.Combine(Repo.Root, "fake-gh"));

        var backend = new BatonBackend(Services.Sessions, Services.Handoffs, Services.Ventures, Services.Notes, Services.Docs,
            BackendMode.Local, "local: test", KeyConfigured: false, Services.Tasks, Services.Activity, Services.Claims, Services.Spend, Services.Workflows);
        var options = new BatonMcpOptions
        {
            WorkingDirectory = Repo.Path,
            HostName = "testhost",
            GhCommand = Gh.Path,
            RepoRoots = [Repo.Root],
        };

        var services = new ServiceCollection();
        services.AddBatonMcp(describe?.Invoke(backend) ?? backend, configure?.Invoke(options) ?? options, Clock)
            .WithStreamServerTransport(_clientToServer.Reader.AsStream(), _serverToClient.Writer.AsStream());
        _provider = services.BuildServiceProvider();
        _serverTask = _provider.GetRequiredService<McpServer>().RunAsync(_stop.Token);

        Client = await McpClient.CreateAsync(
            new StreamClientTransport(_clientToServer.Writer.AsStream(), _serverToClient.Reader.AsStream()),
            new McpClientOptions { ClientInfo = new Implementation { Name = "test-cli", Version = "1.0" } },
            cancellationToken: TestTimeouts.Token());
    }

    public async Task<CallToolResult> CallAsync(string tool, object? arguments = null)
    {
        var args = arguments is null
            ? new Dictionary<string, object?>()
            : arguments.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(arguments));
        return await Client.CallToolAsync(tool, args, cancellationToken: TestTimeouts.Token());
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _stop.CancelAsync();
        try { await _serverTask; }
        catch (OperationCanceledException) { /* stopping is what we asked for */ }
        await _provider.DisposeAsync();
        await _runtime.DisposeAsync();
        Repo.Dispose();
    }
}
