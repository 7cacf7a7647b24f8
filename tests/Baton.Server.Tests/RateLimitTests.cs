using System.Net;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

public sealed class RateLimitTests
{
    [Fact]
    public async Task AuthenticatedAnswer_CarriesLimitRemainingAndResetHeaders()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Admin.GetAsync("/v1/ventures");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("100", Header(response, "X-RateLimit-Limit"));
        Assert.Equal("99", Header(response, "X-RateLimit-Remaining"));
        Assert.InRange(int.Parse(Header(response, "X-RateLimit-Reset")), 1, 60);
    }

    [Fact]
    public async Task Request_OverTheLimit_Is429WithRetryAfter_AndAllowedAgainAfterTheWindow()
    {
        var clock = new ManualClock();
        await using var server = await TestServer.StartAsync(o => o.RateLimitPerMinute = 3, clock);
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await server.Admin.GetAsync("/v1/ventures");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        clock.Advance(TimeSpan.FromSeconds(20));
        using var limited = await server.Admin.GetAsync("/v1/ventures");
        var problem = await TestServer.ReadJsonAsync(limited);

        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal("rate_limited", problem.GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(40), limited.Headers.RetryAfter?.Delta);
        Assert.Equal("0", Header(limited, "X-RateLimit-Remaining"));
        Assert.Equal("40", Header(limited, "X-RateLimit-Reset"));

        clock.Advance(TimeSpan.FromSeconds(40));
        using var again = await server.Admin.GetAsync("/v1/ventures");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("2", Header(again, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Limits_AreCountedPerActor()
    {
        await using var server = await TestServer.StartAsync(o => o.RateLimitPerMinute = 3, new ManualClock());
        var (_, agentKey) = await server.CreateKeyAsync("agent"); // the admin's first request
        var agent = server.Client(agentKey);

        using var first = await agent.GetAsync("/v1/ventures");

        Assert.Equal("2", Header(first, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task RateLimit_WhenZero_IsOffAndSendsNoHeaders()
    {
        await using var server = await TestServer.StartAsync(o => o.RateLimitPerMinute = 0);

        for (var i = 0; i < 5; i++)
        {
            using var response = await server.Admin.GetAsync("/v1/ventures");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("X-RateLimit-Limit"));
        }
    }

    private static string Header(HttpResponseMessage response, string name) => response.Headers.GetValues(name).Single();
}
