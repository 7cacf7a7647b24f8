using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Baton.Core.Common;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>
/// A body that is not JSON in UTF-8 is 415 problem+json <c>unsupported_media_type</c> (it used to be an empty 415, or a
/// 500 for an unknown charset), and every error status the server answers is problem+json with a code it documents.
/// </summary>
public sealed class MediaTypeTests
{
    private const string SodBody = """{"agent":"a1","venture":"alpha","repo":"alpha-console"}""";

    private static HttpContent Body(string json, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        // Set without validation: a test sends what a careless client would, charset=bogus included.
        if (contentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await TestServer.ReadJsonAsync(response);
        Assert.Contains(problem.GetProperty("code").GetString(), ErrorCodes.All);
        return problem;
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=xyz")]
    [InlineData("*/*")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=bogus")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData(null)]
    public async Task Sod_BodyThatIsNotJsonInUtf8_Is415ProblemSayingToSendJson(string? contentType)
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/sod", Body(SodBody, contentType));
        var problem = await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);

        Assert.Equal("unsupported_media_type", problem.GetProperty("code").GetString());
        Assert.Contains("application/json", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    public async Task Sod_JsonInUtf8_IsAccepted(string contentType)
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/sod", Body(SodBody, contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Sod_FormBodyAsCurlDashDSendsIt_Is415NotAnEmptyAnswer()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.PostAsync("/v1/sod", new FormUrlEncodedContent([new("agent", "a1")]));
        var problem = await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);

        Assert.False(string.IsNullOrEmpty(problem.GetProperty("correlation_id").GetString()));
    }

    [Fact]
    public async Task EveryRouteWithABody_BogusCharset_Is415ProblemNot500()
    {
        await using var server = await TestServer.StartAsync();
        var routes = await BodyRoutesAsync(server);
        Assert.True(routes.Count >= 10, $"only {routes.Count} body routes found in the OpenAPI document");

        foreach (var (method, path) in routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Body("{}", "application/json; charset=bogus") };
            using var response = await server.Admin.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{method} {path}: {(int)response.StatusCode} {text}");
            Assert.Contains("unsupported_media_type", text);
        }
    }

    [Fact]
    public async Task OpenApi_UnknownDocumentName_Is404ProblemNotText()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.GetAsync("/openapi/v2.json");
        var problem = await ProblemAsync(response, HttpStatusCode.NotFound);

        Assert.Equal("not_found", problem.GetProperty("code").GetString());
        Assert.Contains("/openapi/v1.json", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OpenApi_V1Document_IsStillServed()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Client(null).GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ErrorStatuses_AcrossTheHttpLayer_AreProblemsWithDocumentedCodes()
    {
        await using var server = await TestServer.StartAsync();
        var cases = new (Func<Task<HttpResponseMessage>> Send, HttpStatusCode Status, string Code)[]
        {
            (() => server.Admin.GetAsync("/v1/no-such-route"), HttpStatusCode.NotFound, "not_found"),
            (() => server.Admin.PostAsync("/v1/no-such-route", Body("{}", "text/plain")), HttpStatusCode.NotFound, "not_found"),
            (() => server.Admin.GetAsync("/openapi/v2.json"), HttpStatusCode.NotFound, "not_found"),
            (() => server.Admin.DeleteAsync("/v1/sod"), HttpStatusCode.MethodNotAllowed, "method_not_allowed"),
            (() => server.Admin.PostAsync("/v1/eod", Body("{}", "text/plain")), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type"),
        };

        foreach (var (send, status, code) in cases)
        {
            using var response = await send();
            var problem = await ProblemAsync(response, status);
            Assert.Equal(code, problem.GetProperty("code").GetString());
            Assert.Equal((int)status, ErrorCodes.StatusOf(code));
        }
    }

    /// <summary>Every (method, path) the OpenAPI document lists with a request body, ids filled with placeholders.</summary>
    private static async Task<List<(string Method, string Path)>> BodyRoutesAsync(TestServer server)
    {
        using var response = await server.Client(null).GetAsync("/openapi/v1.json");
        var document = await TestServer.ReadJsonAsync(response);
        var routes = new List<(string, string)>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Value.ValueKind == JsonValueKind.Object && operation.Value.TryGetProperty("requestBody", out _))
                    routes.Add((operation.Name.ToUpperInvariant(), System.Text.RegularExpressions.Regex.Replace(path.Name, "{[^}]+}", "x1")));
            }
        }
        return routes;
    }
}
