using System.Net;
using System.Text;
using System.Text.Json;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

public sealed class ErrorTests
{
    [Fact]
    public async Task Sod_WithMalformedJson_Is400MalformedJson()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/sod", TestServer.Json("""{"agent":"a1", "venture": alpha}"""));
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed_json", problem.GetProperty("code").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Sod_WithWrongTypeForAField_Is400NamingTheField()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/sod", TestServer.Json("""{"agent":42,"venture":"alpha","repo":"alpha-console"}"""));
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Equal("must be a string.", problem.GetProperty("errors").GetProperty("agent")[0].GetString());
    }

    [Fact]
    public async Task Eod_WithUnknownEnumValue_Is400ListingTheAllowedValues()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/eod", TestServer.Json("""{"session_id":"sess_x","summary":"s","status":"finished"}"""));
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("must be one of: done, in_progress, blocked.", problem.GetProperty("errors").GetProperty("status")[0].GetString());
    }

    [Fact]
    public async Task Sod_WithMissingRequiredField_Is400NamingTheField()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/sod", TestServer.Json("""{"venture":"alpha","repo":"alpha-console"}"""));
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("agent", out _));
    }

    [Fact]
    public async Task Sod_WithUnknownField_Is400UnknownFieldNamingIt()
    {
        // Unknown fields used to be ignored (this test asserted so); since the hardening they are refused (architecture §7).
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/sod", TestServer.Json("""{"venture":"alpha","repo":"alpha-console","unknown_field":true}"""));
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unknown_field", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("unknown_field", out _));
    }

    [Fact]
    public async Task Sod_WithNoBody_Is400NamingTheBody()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/sod", TestServer.Json(""));
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("body", out _));
    }

    [Theory]
    [InlineData("/v1/sessions?limit=abc", "limit")]
    [InlineData("/v1/sessions?limit=201", "limit")]
    [InlineData("/v1/sessions?status=sleeping", "status")]
    [InlineData("/v1/handoffs?issue_number=x", "issue_number")]
    [InlineData("/v1/handoffs?limit=0", "limit")]
    public async Task List_WithBadQueryValue_Is400NamingTheParameter(string url, string parameter)
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.GetAsync(url);
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    [Fact]
    public async Task Sod_ForUnknownVenture_Is404ListingTheKnownCodes()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/sod", TestServer.Json("""{"agent":"a1","venture":"gamma","repo":"g"}"""));
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("venture_not_found", problem.GetProperty("code").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("alpha", detail);
        Assert.Contains("beta", detail);
    }

    [Fact]
    public async Task GetSession_ForUnknownId_Is404SessionNotFound()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.GetAsync("/v1/sessions/sess_01JUNKNOWN000000000000000");
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("session_not_found", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Heartbeat_ForUnknownSession_Is404SessionNotFound()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/sessions/sess_nope/heartbeat", null);
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("session_not_found", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownRoute_Is404NotFoundProblem()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.GetAsync("/v1/no-such-thing");
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task WrongMethod_Is405Problem()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.GetAsync("/v1/sod");
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method_not_allowed", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Body_OverOneMegabyteWithContentLength_Is413RequestTooLarge()
    {
        await using var server = await TestServer.StartAsync();
        var body = TestServer.Json($$"""{"agent":"a1","venture":"alpha","repo":"r","host":"{{new string('x', 1024 * 1024)}}"}""");

        using var response = await server.Admin.PostAsync("/v1/sod", body);
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", problem.GetProperty("code").GetString());
        Assert.Contains("1,048,576", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Body_OverOneMegabyteStreamedChunked_Is413RequestTooLarge()
    {
        await using var server = await TestServer.StartAsync();
        var bytes = Encoding.UTF8.GetBytes($$"""{"agent":"a1","venture":"alpha","repo":"r","host":"{{new string('x', 1024 * 1024)}}"}""");
        var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new("application/json");

        using var response = await server.Admin.PostAsync("/v1/sod", content);
        var problem = await ReadProblemAsync(response);

        Assert.Null(response.RequestMessage?.Content?.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Handoff_WithPayloadOver800KB_Is413NamingSizeAndLimit()
    {
        await using var server = await TestServer.StartAsync();
        var body = $$$"""{"venture":"alpha","repo":"alpha-console","from_agent":"a1","summary":"big","status":"done","payload":{"blob":"{{{new string('y', 850 * 1024)}}}"}}""";

        using var response = await server.Admin.PostAsync("/v1/handoffs", TestServer.Json(body));
        var problem = await ReadProblemAsync(response);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", problem.GetProperty("code").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("819,200", detail);
        Assert.Matches(@"8\d\d,\d{3} bytes", detail);
    }

    [Fact]
    public async Task UnexpectedFailure_Is500WithGenericDetailAndNoInternals()
    {
        GatedStore? gated = null;
        await using var server = await TestServer.StartAsync(wrapStore: inner => gated = new GatedStore(inner));
        gated!.FailNextUpsert = true;

        using var response = await server.Admin.PutAsync("/v1/ventures/gamma", TestServer.Json("""{"name":"Gamma","org":"example-org"}"""));
        var text = await response.Content.ReadAsStringAsync();
        using var problem = JsonDocument.Parse(text);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("internal_error", problem.RootElement.GetProperty("code").GetString());
        Assert.Contains(problem.RootElement.GetProperty("correlation_id").GetString()!, problem.RootElement.GetProperty("detail").GetString());
        AssertNoInternals(text);
        Assert.DoesNotContain("SQLite", text);
        Assert.DoesNotContain("INSERT", text);
    }

    [Fact]
    public async Task Problems_ForEveryKindOfError_CarryTheDocumentedShapeAndNoInternals()
    {
        await using var server = await TestServer.StartAsync();
        var requests = new Func<Task<HttpResponseMessage>>[]
        {
            () => server.Admin.PostAsync("/v1/sod", TestServer.Json("{not json")),
            () => server.Admin.PostAsync("/v1/sod", TestServer.Json("""{"agent":[1]}""")),
            () => server.Admin.PostAsync("/v1/sod", TestServer.Json("[]")),
            () => server.Admin.GetAsync("/v1/sessions?limit=-5"),
            () => server.Admin.GetAsync("/nothing/here"),
            () => server.Client("bk_wrong").GetAsync("/v1/sessions"),
            () => server.Admin.PostAsync("/v1/eod", TestServer.Json("""{"session_id":"sess_x","summary":"s","status":"done"}""")),
        };

        foreach (var send in requests)
        {
            using var response = await send();
            var text = await response.Content.ReadAsStringAsync();
            using var problem = JsonDocument.Parse(text);
            var root = problem.RootElement;

            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal((int)response.StatusCode, root.GetProperty("status").GetInt32());
            foreach (var field in new[] { "type", "title", "detail", "code", "correlation_id" })
                Assert.False(string.IsNullOrEmpty(root.GetProperty(field).GetString()), $"{field} missing in {text}");
            Assert.Equal(response.Headers.GetValues("X-Correlation-Id").Single(), root.GetProperty("correlation_id").GetString());
            AssertNoInternals(text);
        }
    }

    private static void AssertNoInternals(string text)
    {
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("Exception", text);
        Assert.DoesNotContain("System.", text);
    }

    private static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await TestServer.ReadJsonAsync(response);
    }

    /// <summary>A stream that will not say how long it is, so HttpClient has to send the body chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
