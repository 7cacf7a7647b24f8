using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Baton.Core.Storage;

namespace Baton.Server.Tests.Support;

/// <summary>
/// A real server for one test: Kestrel on 127.0.0.1:0 over a real SQLite file in a fresh temp data directory, with a
/// registry of two ventures (alpha, beta) and an HttpClient carrying the admin key read from admin.key.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string VenturesJson = TestVentures.AlphaAndBeta;

    private readonly List<HttpClient> _clients = [];
    private readonly TempDirectory _dataDir;

    private TestServer(TempDirectory dataDir, RunningServer server, StringWriter output, string adminKey)
    {
        _dataDir = dataDir;
        Server = server;
        Output = output;
        AdminKey = adminKey;
        Admin = Client(adminKey);
    }

    public string DataDir => _dataDir.Path;
    public RunningServer Server { get; }
    public StringWriter Output { get; }
    public string AdminKey { get; }
    public HttpClient Admin { get; }
    public IBatonStore Store => Server.Store;

    public static async Task<TestServer> StartAsync(
        Action<ServerOptions>? configure = null, TimeProvider? clock = null, Func<IBatonStore, IBatonStore>? wrapStore = null, Baton.Core.Workflows.IGitHub? github = null)
    {
        var dataDir = new TempDirectory(DataDirPrefix);
        await File.WriteAllTextAsync(Path.Combine(dataDir.Path, "ventures.json"), VenturesJson);
        // The workflow engine stands still unless a test turns it on: route tests move workflows themselves.
        var options = new ServerOptions { DataDir = dataDir.Path, Listen = "127.0.0.1:0", WorkflowPassInterval = TimeSpan.Zero };
        configure?.Invoke(options);

        var output = new StringWriter();
        var hooks = new ServerHooks { Clock = clock ?? TimeProvider.System, WrapStore = wrapStore, GitHub = github };
        var server = await BatonServerHost.StartWithHooksAsync(options, output, hooks, CancellationToken.None);
        var adminKey = (await File.ReadAllTextAsync(server.AdminKeyPath!)).Trim();
        return new TestServer(dataDir, server, output, adminKey);
    }

    private const string DataDirPrefix = "baton-server-tests-";

    /// <summary>A fresh, empty data directory for a test that starts the host itself.</summary>
    public static string NewDataDir() => Directory.CreateTempSubdirectory(DataDirPrefix).FullName;

    /// <summary>A client for the server; <paramref name="key"/> null sends no Authorization header.</summary>
    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TestTimeouts.Default };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        _clients.Add(client);
        return client;
    }

    /// <summary>Creates a key through the API and returns (id, key).</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(string role, string? venture = null)
    {
        var body = venture is null
            ? $$"""{"role":"{{role}}","name":"test-{{role}}"}"""
            : $$"""{"role":"{{role}}","name":"test-{{role}}-{{venture}}","venture":"{{venture}}"}""";
        using var response = await Admin.PostAsync("/v1/admin/keys", Json(body));
        var json = await ReadJsonAsync(response);
        Assert.Equal(201, (int)response.StatusCode);
        return (json.GetProperty("id").GetString()!, json.GetProperty("key").GetString()!);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Runs SOD and returns the answer; fails the test unless it is 200.</summary>
    public async Task<JsonElement> SodAsync(HttpClient client, string agent, string venture = "alpha", string repo = "alpha-console", string track = "main")
    {
        using var response = await client.PostAsync("/v1/sod", Json($$"""{"agent":"{{agent}}","venture":"{{venture}}","repo":"{{repo}}","track":"{{track}}"}"""));
        var json = await ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"SOD answered {(int)response.StatusCode}: {json}");
        return json;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await Server.DisposeAsync();
        _dataDir.Dispose();
    }
}
