using System.Net;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

public sealed class AuthTests
{
    [Fact]
    public async Task Request_WithoutKey_Is401WithBearerChallenge()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Client(null).GetAsync("/v1/ventures");
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unauthorized", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Request_WithUnknownKey_Is401()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Client("bk_not-a-real-key").GetAsync("/v1/ventures");
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Request_WithKeyRevokedAMomentAgo_Is401OnTheVeryNextRequest()
    {
        await using var server = await TestServer.StartAsync();
        var (id, key) = await server.CreateKeyAsync("agent");
        var agent = server.Client(key);
        using (var before = await agent.GetAsync("/v1/ventures"))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode); // the key is now cached

        using var revoke = await server.Admin.DeleteAsync($"/v1/admin/keys/{id}");
        var revoked = await TestServer.ReadJsonAsync(revoke);
        using var after = await agent.GetAsync("/v1/ventures");

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.False(revoked.GetProperty("revoked_at").ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task AdminRoute_WithAgentKey_Is403Forbidden()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent");

        using var response = await server.Client(key).PostAsync("/v1/admin/keys", TestServer.Json("""{"role":"admin","name":"sneaky"}"""));
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("forbidden", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Sod_WithKeyScopedToAnotherVenture_Is403Forbidden()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent", venture: "beta");

        using var response = await server.Client(key).PostAsync("/v1/sod", TestServer.Json("""{"agent":"a1","venture":"alpha","repo":"alpha-console"}"""));
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("forbidden", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Sod_WithKeyScopedToThatVenture_Is200()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent", venture: "beta");

        var sod = await server.SodAsync(server.Client(key), "a1", venture: "beta", repo: "beta-api");

        Assert.Equal("beta", sod.GetProperty("session").GetProperty("venture").GetString());
    }
}
