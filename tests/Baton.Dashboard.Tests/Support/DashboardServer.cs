using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Baton.Server;

namespace Baton.Dashboard.Tests.Support;

/// <summary>
/// A real server for the browser: Kestrel on 127.0.0.1:0 over a temp SQLite file (or, for the replica tests, a
/// PostgreSQL schema two servers share), with two ventures (alpha, beta) and an HttpClient carrying the admin key.
/// The minimal part of tests/Baton.Server.Tests' TestServer these tests need, on the host's public entry point.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    public const string VenturesJson = TestVentures.AlphaAndBeta;

    private readonly List<HttpClient> _clients = [];
    private readonly TempDirectory _dataDir;

    private DashboardServer(TempDirectory dataDir, RunningServer server, string adminKey)
    {
        _dataDir = dataDir;
        Server = server;
        AdminKey = adminKey;
        Admin = Client(adminKey);
    }

    public RunningServer Server { get; }
    public Uri BaseAddress => Server.BaseAddress;
    public string AdminKey { get; }
    public HttpClient Admin { get; }

    /// <param name="postgresUrl">A PostgreSQL connection string to serve from instead of SQLite.</param>
    /// <param name="adminKey">The admin key when another replica minted it (the store already has one).</param>
    public static async Task<DashboardServer> StartAsync(string? postgresUrl = null, string? adminKey = null, string? venturesJson = null)
    {
        var dataDir = new TempDirectory("baton-dashboard-tests-");
        await File.WriteAllTextAsync(Path.Combine(dataDir.Path, "ventures.json"), venturesJson ?? VenturesJson);
        var options = new ServerOptions
        {
            DataDir = dataDir.Path,
            Listen = "127.0.0.1:0",
            // The pages under test refresh panels as events arrive; a test's own writes must not hit the key's limit.
            RateLimitPerMinute = 0,
            WorkflowPassInterval = TimeSpan.Zero,
        };
        if (postgresUrl is not null)
        {
            options.Store = "postgres";
            options.StoreUrl = postgresUrl;
        }
        var server = await BatonServerHost.StartAsync(options, TextWriter.Null, CancellationToken.None);
        var key = adminKey ?? (await File.ReadAllTextAsync(server.AdminKeyPath!)).Trim();
        return new DashboardServer(dataDir, server, key);
    }

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
            ? new { role, name = $"test-{role}" } as object
            : new { role, name = $"test-{role}-{venture}", venture };
        var json = await PostAsync(Admin, "/v1/admin/keys", body);
        return (json.GetProperty("id").GetString()!, json.GetProperty("key").GetString()!);
    }

    /// <summary>POSTs <paramref name="body"/> as JSON (snake_case names as written); fails the test unless 2xx.</summary>
    public static async Task<JsonElement> PostAsync(HttpClient client, string path, object? body)
    {
        using var content = new StringContent(body is null ? "{}" : body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        if (text.Length == 0) return default;
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public Task<JsonElement> PostAsync(string path, object? body) => PostAsync(Admin, path, body);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await Server.DisposeAsync();
        _dataDir.Dispose();
    }
}
