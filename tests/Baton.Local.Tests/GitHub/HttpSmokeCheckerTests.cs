using Baton.Core.Workflows;
using Baton.Local.GitHub;

namespace Baton.Local.Tests.GitHub;

public sealed class HttpSmokeCheckerTests : IAsyncLifetime
{
    private static readonly TimeSpan FiveSeconds = TimeSpan.FromSeconds(5);
    private readonly SmokeTargetServer _server = new();
    private readonly HttpSmokeChecker _checker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _checker.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task CheckAsync_HealthyEndpoints_PassWithStatusAndTime()
    {
        var results = await _checker.CheckAsync([new(_server.Url("/healthz")), new(_server.Url("/readyz"), Critical: false)], FiveSeconds, TestTimeouts.Token());

        Assert.Collection(results,
            r => Assert.Equal((_server.Url("/healthz"), true, (int?)200, (string?)null), (r.Url, r.Critical, r.Status, r.Error)),
            r => Assert.Equal((_server.Url("/readyz"), false, (int?)200, true), (r.Url, r.Critical, r.Status, r.Passed)));
        Assert.All(results, r => Assert.InRange(r.ElapsedMs, 0, (long)FiveSeconds.TotalMilliseconds));
        Assert.Equal(["GET /healthz", "GET /readyz"], _server.Requests.Select(q => $"{q.Method} {q.Target}").Order());
    }

    [Fact]
    public async Task CheckAsync_EndpointFlippedToFailing_SaysItsStatus()
    {
        var healthy = Assert.Single(await _checker.CheckAsync([new(_server.Url("/healthz"))], FiveSeconds, TestTimeouts.Token()));
        _server.Failing("/healthz", 503);
        _server.Failing("/api/orders", 500);

        var results = await _checker.CheckAsync([new(_server.Url("/healthz")), new(_server.Url("/api/orders?limit=1")), new(_server.Url("/missing"))], FiveSeconds, TestTimeouts.Token());

        Assert.True(healthy.Passed);
        Assert.Equal([(503, "HTTP 503"), (500, "HTTP 500"), (404, "HTTP 404")], results.Select(r => (r.Status!.Value, r.Error!)));
        Assert.Equal(1, _server.CountOf("/api/orders"));
    }

    [Fact]
    public async Task CheckAsync_SlowEndpoint_NoAnswerWithinTheTimeoutWhileTheOthersAnswer()
    {
        _server.Slow("/slow", TimeSpan.FromSeconds(30));

        var results = await _checker.CheckAsync([new(_server.Url("/slow")), new(_server.Url("/healthz"))], TimeSpan.FromSeconds(1), TestTimeouts.Token());

        var slow = results[0];
        Assert.Equal(((int?)null, "no answer within 1 s"), (slow.Status, slow.Error));
        Assert.InRange(slow.ElapsedMs, 900, 20_000);
        Assert.True(results[1].Passed);
    }

    [Fact]
    public async Task CheckAsync_SlowEndpointWithSubSecondTimeout_SaysTheMilliseconds()
    {
        _server.Slow("/slow", TimeSpan.FromSeconds(30));

        var slow = Assert.Single(await _checker.CheckAsync([new(_server.Url("/slow"))], TimeSpan.FromMilliseconds(300), TestTimeouts.Token()));

        Assert.Equal("no answer within 300 ms", slow.Error);
    }

    [Fact]
    public async Task CheckAsync_NothingListening_SaysConnectionRefused()
    {
        var url = SmokeTargetServer.RefusedUrl();

        var result = Assert.Single(await _checker.CheckAsync([new(url)], FiveSeconds, TestTimeouts.Token()));

        Assert.Null(result.Status);
        Assert.Equal($"connection refused ({new Uri(url).Authority})", result.Error);
    }

    [Fact]
    public async Task CheckAsync_Redirect_IsNotFollowedAndSaysWhereItPoints()
    {
        _server.Redirect("/healthz", "https://login.example/sso");

        var result = Assert.Single(await _checker.CheckAsync([new(_server.Url("/healthz"))], FiveSeconds, TestTimeouts.Token()));

        Assert.Equal((302, "HTTP 302 (a redirect to https://login.example/sso, not followed)"), (result.Status!.Value, result.Error));
        Assert.Single(_server.Requests);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("ftp://example.com/healthz")]
    public async Task CheckAsync_NotAnAbsoluteHttpUrl_FailsWithoutARequest(string url)
    {
        var result = Assert.Single(await _checker.CheckAsync([new(url)], FiveSeconds, TestTimeouts.Token()));

        Assert.Equal("not an absolute http(s) URL", result.Error);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task CheckAsync_CallerCancels_Throws()
    {
        _server.Slow("/slow", TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _checker.CheckAsync([new(_server.Url("/slow"))], FiveSeconds, cts.Token));
    }
}
