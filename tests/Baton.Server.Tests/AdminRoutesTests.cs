using System.Net;
using System.Text;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>
/// Authorization before validation: an agent key on an admin route is 403 whatever it sends — a body with invalid
/// fields, a wrong enum, malformed JSON, the wrong Content-Type — and never learns the body's rules from a 400.
/// </summary>
public sealed class AdminRoutesTests
{
    /// <summary>Every admin-only route, each with a body that an admin would get a 400 for.</summary>
    private static readonly (string Method, string Path, string? InvalidBody)[] AdminRoutes =
    [
        ("POST", "/v1/admin/keys", """{"role":"superuser","name":""}"""),
        ("GET", "/v1/admin/keys", null),
        ("DELETE", "/v1/admin/keys/key_nope", null),
        ("PUT", "/v1/ventures/gamma", """{"name":42}"""),
        ("POST", "/v1/alerts", """{"venture":"alpha","severity":"apocalyptic"}"""),
        ("PUT", "/v1/admin/webhooks/github/secret", """{"secret":"short"}"""),
        ("POST", "/v1/cadence", """{"scope":"alpha","interval_days":"weekly"}"""),
        ("GET", "/v1/admin/doc-requirements", null),
        ("POST", "/v1/admin/doc-requirements", """{"scope_type":"nowhere","generation_sources":[null]}"""),
        ("PUT", "/v1/admin/doc-requirements/req_api", """{"name_pattern":""}"""),
        ("DELETE", "/v1/admin/doc-requirements/req_api", null),
    ];

    public static TheoryData<string> Bodies => new() { "invalid", "malformed", "text/plain", "unknown_field" };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task EveryAdminRoute_AgentKeyWithABadBody_Is403Forbidden(string kind)
    {
        await using var server = await TestServer.StartAsync();
        var (_, agentKey) = await server.CreateKeyAsync("agent");
        var agent = server.Client(agentKey);

        foreach (var (method, path, invalid) in AdminRoutes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (invalid is not null)
            {
                request.Content = kind switch
                {
                    "invalid" => TestServer.Json(invalid),
                    "malformed" => TestServer.Json("{not json"),
                    "unknown_field" => TestServer.Json("""{"nmae":"x"}"""),
                    _ => new StringContent(invalid, Encoding.UTF8, "text/plain"),
                };
            }
            using var response = await agent.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} ({kind}): {(int)response.StatusCode} {text}");
            Assert.Contains("\"code\":\"forbidden\"", text);
            Assert.Contains("admin key", text);
        }
    }

    [Fact]
    public async Task EveryAdminRoute_AdminKeyWithAnInvalidBody_StillGetsTheValidationAnswer()
    {
        await using var server = await TestServer.StartAsync();

        foreach (var (method, path, invalid) in AdminRoutes.Where(r => r.InvalidBody is not null))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = TestServer.Json(invalid!) };
            using var response = await server.Admin.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task ListDocRequirements_AgentKey_Is403()
    {
        await using var server = await TestServer.StartAsync();
        var (_, agentKey) = await server.CreateKeyAsync("agent");

        using var response = await server.Client(agentKey).GetAsync("/v1/admin/doc-requirements");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("forbidden", (await TestServer.ReadJsonAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task UploadDoc_AgentKey_StillReachesTheServiceForTheHealingException()
    {
        // The one /v1/admin route an agent key may use (a generated doc a requirement asks for) is not marked admin-only.
        await using var server = await TestServer.StartAsync();
        var (_, agentKey) = await server.CreateKeyAsync("agent", "alpha");

        using var response = await server.Client(agentKey).PutAsync("/v1/admin/docs/alpha/alpha-api.md",
            TestServer.Json("""{"content":"# API\n","generated":true}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
