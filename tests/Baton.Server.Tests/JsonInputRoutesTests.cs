using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>
/// JSON text that binding or canonicalisation used to trip over (500s) is refused up front with a 400 naming the
/// path: duplicate keys, lone surrogates, invalid UTF-8, nulls inside lists; and unknown fields are 400
/// <c>unknown_field</c> with the nearest known name, while free-form objects (payload, meta) stay free.
/// </summary>
public sealed class JsonInputRoutesTests
{
    private const string HandoffFields = "\"venture\":\"alpha\",\"repo\":\"alpha-console\",\"from_agent\":\"a1\",\"summary\":\"s\",\"status\":\"done\"";

    /// <summary>A valid POST /v1/handoffs body carrying <paramref name="payload"/> (JSON text) as its payload.</summary>
    private static string HandoffWith(string payload) => "{" + HandoffFields + ",\"payload\":" + payload + "}";

    private static ByteArrayContent Bytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary><paramref name="json"/> as UTF-8 with every <c>?</c> replaced by the invalid byte 0xFF.</summary>
    private static ByteArrayContent WithInvalidByte(string json) =>
        Bytes(Encoding.UTF8.GetBytes(json).Select(b => b == (byte)'?' ? (byte)0xFF : b).ToArray());

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await TestServer.ReadJsonAsync(response);
    }

    private static async Task<long> HandoffTotalAsync(TestServer server)
    {
        using var list = await server.Admin.GetAsync("/v1/handoffs?venture=alpha");
        return (await TestServer.ReadJsonAsync(list)).GetProperty("total").GetInt64();
    }

    public static TheoryData<string, string> BadPayloads => new()
    {
        { """{"a":1,"a":2}""", "payload.a" },
        { """{"deep":{"list":[{"k":1,"k":2}]}}""", "payload.deep.list[0].k" },
        { """{"a":"\ud800"}""", "payload.a" },
        { """{"a":"\udc00 trailing"}""", "payload.a" },
        { """{"\ud800":1}""", "payload" },
    };

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public async Task PostHandoff_PayloadWithDuplicateKeyOrLoneSurrogate_Is400NamingThePathAndStoresNothing(string payload, string path)
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/handoffs", TestServer.Json(HandoffWith(payload)));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(path, out _), problem.ToString());
        Assert.Equal(0, await HandoffTotalAsync(server));
    }

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public async Task Eod_PayloadWithDuplicateKeyOrLoneSurrogate_Is400NamingThePathAndTheSessionStaysActive(string payload, string path)
    {
        await using var server = await TestServer.StartAsync();
        var sessionId = (await server.SodAsync(server.Admin, "a1")).GetProperty("session").GetProperty("id").GetString();

        using var response = await server.Admin.PostAsync("/v1/eod",
            TestServer.Json($$"""{"session_id":"{{sessionId}}","summary":"s","status":"done","payload":{{payload}}}"""));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(path, out _), problem.ToString());
        using var session = await server.Admin.GetAsync($"/v1/sessions/{sessionId}");
        Assert.Equal("active", (await TestServer.ReadJsonAsync(session)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task PostHandoff_RawInvalidUtf8InAPayloadValue_Is400MalformedJsonNamingThePath()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/handoffs", WithInvalidByte(HandoffWith("""{"a":"x?y"}""")));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.Equal("malformed_json", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("payload.a", out _), problem.ToString());
        Assert.Equal(0, await HandoffTotalAsync(server));
    }

    [Fact]
    public async Task PostHandoff_RawInvalidUtf8InAPayloadKey_Is400MalformedJson()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/handoffs", WithInvalidByte(HandoffWith("""{"?":1}""")));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.Equal("malformed_json", problem.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("""{"meta":{"a":1,"a":2}}""", "meta.a")]
    [InlineData("""{"meta":{"a":"\ud800"}}""", "meta.a")]
    [InlineData("""{"meta":{"\udbff":true}}""", "meta")]
    [InlineData("""{"branch":"main","branch":"other"}""", "branch")]
    public async Task UpdateSession_MetaOrFieldThatIsNotCleanJson_Is400NamingThePath(string body, string path)
    {
        await using var server = await TestServer.StartAsync();
        var sessionId = (await server.SodAsync(server.Admin, "a1")).GetProperty("session").GetProperty("id").GetString();

        using var response = await server.Admin.PostAsync($"/v1/sessions/{sessionId}/update", TestServer.Json(body));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(path, out _), problem.ToString());
    }

    [Fact]
    public async Task UpdateSession_RawInvalidUtf8InMeta_Is400MalformedJson()
    {
        await using var server = await TestServer.StartAsync();
        var sessionId = (await server.SodAsync(server.Admin, "a1")).GetProperty("session").GetProperty("id").GetString();

        using var response = await server.Admin.PostAsync($"/v1/sessions/{sessionId}/update", WithInvalidByte("""{"meta":{"note":"caf?"}}"""));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.Equal("malformed_json", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("meta.note", out _), problem.ToString());
    }

    [Fact]
    public async Task PostHandoff_PayloadNestedTooDeep_Is400NamingWhereItGoesTooDeep()
    {
        await using var server = await TestServer.StartAsync();
        // The request object and the payload are two levels; 63 arrays more make 65.
        var payload = "{\"a\":" + new string('[', 63) + new string(']', 63) + "}";

        using var response = await server.Admin.PostAsync("/v1/handoffs", TestServer.Json(HandoffWith(payload)));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Contains("64 levels", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PostHandoff_PayloadAtTheDepthLimit_IsStored()
    {
        await using var server = await TestServer.StartAsync();
        var payload = "{\"a\":" + new string('[', 62) + new string(']', 62) + "}";

        using var response = await server.Admin.PostAsync("/v1/handoffs", TestServer.Json(HandoffWith(payload)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task PostDocRequirement_NullInsideGenerationSources_Is400NamingTheEntry()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/admin/doc-requirements",
            TestServer.Json("""{"name_pattern":"x.md","scope_type":"global","generation_sources":["readme",null]}"""));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("generation_sources[1]", out _), problem.ToString());
    }

    [Theory]
    [InlineData("/v1/notes", """{"venture":"alpha","title":"t","content":"c","tags":[null]}""", "tags[0]")]
    [InlineData("/v1/handoffs", """{"venture":"alpha","repo":"alpha-console","from_agent":"a1","summary":"s","status":"done","next_steps":["a",null]}""", "next_steps")]
    public async Task Post_NullInsideAList_Is400NamingTheField(string route, string body, string field)
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync(route, TestServer.Json(body));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task PutVenture_NullInsideRepos_Is400NamingTheEntry()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PutAsync("/v1/ventures/gamma", TestServer.Json("""{"name":"Gamma","org":"example-org","repos":[null]}"""));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("repos[0]", out _), problem.ToString());
    }

    [Fact]
    public async Task Sod_MisspeltField_Is400UnknownFieldWithTheIntendedNameAndStartsNothing()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/sod",
            TestServer.Json("""{"agent":"a1","venture":"alpha","repo":"alpha-console","commitSha":"abc123"}"""));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.Equal("unknown_field", problem.GetProperty("code").GetString());
        Assert.StartsWith("unknown field `commitSha`; did you mean `commit_sha`?", problem.GetProperty("detail").GetString());
        Assert.Contains("commit_sha", problem.GetProperty("errors").GetProperty("commitSha")[0].GetString());
        using var sessions = await server.Admin.GetAsync("/v1/sessions");
        Assert.Equal(0, (await TestServer.ReadJsonAsync(sessions)).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task UpdateSession_MisspeltField_Is400UnknownFieldInsteadOfStoringNull()
    {
        await using var server = await TestServer.StartAsync();
        var sessionId = (await server.SodAsync(server.Admin, "a1")).GetProperty("session").GetProperty("id").GetString();

        using var response = await server.Admin.PostAsync($"/v1/sessions/{sessionId}/update", TestServer.Json("""{"commitSha":"abc123"}"""));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.Equal("unknown_field", problem.GetProperty("code").GetString());
        Assert.Contains("did you mean `commit_sha`?", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PostNote_UnknownFieldFarFromEveryName_ListsTheKnownFields()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/notes", TestServer.Json("""{"venture":"alpha","title":"t","content":"c","xyzzy":1}"""));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);

        Assert.Equal("unknown_field", problem.GetProperty("code").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("`xyzzy`", detail);
        Assert.Contains("title", detail);
        Assert.Contains("content", detail);
    }

    [Fact]
    public async Task FreeFormPayloadAndMeta_AnyKeys_AreStillAccepted()
    {
        await using var server = await TestServer.StartAsync();
        var sessionId = (await server.SodAsync(server.Admin, "a1")).GetProperty("session").GetProperty("id").GetString();

        using var handoff = await server.Admin.PostAsync("/v1/handoffs",
            TestServer.Json(HandoffWith("""{"commitSha":"x","anything":{"nested":[1,{"k":"v"}]}}""")));
        using var update = await server.Admin.PostAsync($"/v1/sessions/{sessionId}/update", TestServer.Json("""{"meta":{"whatever":{"I":"like"}}}"""));

        Assert.Equal(HttpStatusCode.Created, handoff.StatusCode);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
    }
}
