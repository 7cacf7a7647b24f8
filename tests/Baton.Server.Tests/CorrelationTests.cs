using System.Net;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

public sealed class CorrelationTests
{
    [Fact]
    public async Task Request_WithCorrelationId_EchoesItAndStoresItOnTheCreatedSession()
    {
        await using var server = await TestServer.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sod") { Content = TestServer.Json("""{"agent":"a1","venture":"alpha","repo":"alpha-console"}""") };
        request.Headers.Add("X-Correlation-Id", "corr_test-123");

        using var response = await server.Admin.SendAsync(request);
        var sod = await TestServer.ReadJsonAsync(response);

        Assert.Equal("corr_test-123", response.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Equal("corr_test-123", sod.GetProperty("session").GetProperty("creation_correlation_id").GetString());
    }

    [Fact]
    public async Task Request_WithoutCorrelationId_GetsAGeneratedOne()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Client(null).GetAsync("/healthz");

        Assert.Matches("^corr_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", response.Headers.GetValues("X-Correlation-Id").Single());
    }

    [Theory]
    [InlineData("has spaces in it")]
    [InlineData("waaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaay-too-long")]
    public async Task Request_WithUnacceptableCorrelationId_GetsAGeneratedOneInstead(string supplied)
    {
        await using var server = await TestServer.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.TryAddWithoutValidation("X-Correlation-Id", supplied);

        using var response = await server.Admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("corr_", response.Headers.GetValues("X-Correlation-Id").Single());
        Assert.NotEqual(supplied, response.Headers.GetValues("X-Correlation-Id").Single());
    }

    [Fact]
    public async Task ErrorAnswer_CarriesTheCorrelationIdInHeaderAndBody()
    {
        await using var server = await TestServer.StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/ventures/nope");
        request.Headers.Add("X-Correlation-Id", "corr_err-1");

        using var response = await server.Admin.SendAsync(request);
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("corr_err-1", response.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Equal("corr_err-1", problem.GetProperty("correlation_id").GetString());
    }
}
