using System.Net;
using Baton.Local.Settings;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task StartAsync_OnFreshDataDir_WritesAdminKeyReadableByOwnerOnlyAndPrintsOnlyItsPath()
    {
        await using var server = await TestServer.StartAsync();

        var path = Path.Combine(server.DataDir, "admin.key");
        Assert.Equal(path, server.Server.AdminKeyPath);
        Assert.StartsWith("bk_", server.AdminKey);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        var printed = server.Output.ToString();
        Assert.Contains($"Admin key written to {path}", printed);
        Assert.DoesNotContain(server.AdminKey, printed);

        using var response = await server.Admin.GetAsync("/v1/admin/keys");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task StartAsync_OnDataDirThatHasAnAdmin_KeepsTheKeyAndMintsNoOther()
    {
        var dataDir = TestServer.NewDataDir();
        var options = new ServerOptions { DataDir = dataDir, Listen = "127.0.0.1:0" };
        string firstKey;
        await using (var first = await BatonServerHost.StartAsync(options, new StringWriter(), CancellationToken.None))
        {
            firstKey = (await File.ReadAllTextAsync(first.AdminKeyPath!)).Trim();
        }

        var output = new StringWriter();
        await using var second = await BatonServerHost.StartAsync(options, output, CancellationToken.None);

        Assert.DoesNotContain("Admin key written", output.ToString());
        Assert.Equal(firstKey, (await File.ReadAllTextAsync(second.AdminKeyPath!)).Trim());
        using var client = new HttpClient { BaseAddress = second.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", firstKey);
        using var response = await client.GetAsync("/v1/admin/keys");
        var keys = await TestServer.ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, keys.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task StartAsync_WithMalformedVenturesFile_ThrowsNamingTheFileAndLine()
    {
        var dataDir = TestServer.NewDataDir();
        var path = Path.Combine(dataDir, "ventures.json");
        await File.WriteAllTextAsync(path, "{\n  \"ventures\": [\n    { \"code\": \"alpha\" \"name\": \"x\" }\n  ]\n}\n");

        var error = await Assert.ThrowsAsync<VentureFileException>(() =>
            BatonServerHost.StartAsync(new ServerOptions { DataDir = dataDir, Listen = "127.0.0.1:0" }, new StringWriter(), CancellationToken.None));

        Assert.Contains($"{path}:3", error.Message);
        Assert.False(File.Exists(Path.Combine(dataDir, "admin.key")), "nothing should have started");
    }

    [Fact]
    public async Task StartAsync_WithBadOptions_ListsEveryProblemWithAllowedValues()
    {
        var options = new ServerOptions { DataDir = "", Listen = "nowhere", Synchronous = "SOMETIMES", RateLimitPerMinute = -1 };

        var error = await Assert.ThrowsAsync<ServerOptionsException>(() => BatonServerHost.StartAsync(options, new StringWriter(), CancellationToken.None));

        Assert.Equal(4, error.Problems.Count);
        Assert.Contains("NORMAL or FULL", error.Message);
        Assert.Contains("host:port", error.Message);
    }

    [Theory]
    [InlineData("FULL", "FULL")]
    [InlineData("normal", "NORMAL")]
    public async Task StartAsync_WithSynchronous_SetsTheWritersPragma(string synchronous, string expected)
    {
        await using var server = await TestServer.StartAsync(options => options.Synchronous = synchronous);

        var store = Assert.IsType<Baton.Storage.Sqlite.SqliteBatonStore>(server.Store);
        Assert.Equal(expected, await store.ReadSynchronousAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Healthz_WithoutKey_AnswersHealthyWithStoreAndVersion()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Client(null).GetAsync("/healthz");
        var json = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", json.GetProperty("status").GetString());
        Assert.Equal("sqlite", json.GetProperty("store").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task OpenApi_WithoutKey_ServesTheDocumentWithTheV1Routes()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Client(null).GetAsync("/openapi/v1.json");
        var json = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = json.GetProperty("paths");
        string[] routes =
        [
            "/v1/sod", "/v1/eod", "/v1/sessions/{id}/heartbeat", "/v1/handoffs", "/v1/ventures/{code}", "/v1/admin/keys/{id}",
            "/v1/notes", "/v1/notes/{id}", "/v1/notes/{id}/archive", "/v1/docs", "/v1/docs/audit", "/v1/docs/{scope}/{name}",
            "/v1/admin/docs/{scope}/{name}", "/v1/admin/doc-requirements", "/v1/admin/doc-requirements/{id}",
            "/v1/events", "/v1/sessions/{id}/events", "/v1/waiting", "/v1/spend", "/v1/briefing/preview", "/v1/docs/search",
        ];
        foreach (var route in routes)
            Assert.True(paths.TryGetProperty(route, out _), $"{route} missing from the OpenAPI document");
    }

    [Fact]
    public async Task StopAsync_CalledTwice_IsHarmless()
    {
        var server = await TestServer.StartAsync();

        await server.Server.StopAsync();
        await server.Server.StopAsync();
        await server.DisposeAsync();

        using var client = new HttpClient { BaseAddress = server.Server.BaseAddress };
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/healthz"));
    }
}
