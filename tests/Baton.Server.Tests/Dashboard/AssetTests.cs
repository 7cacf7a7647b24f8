using System.Net;
using Baton.Server.Tests.Support;
using static Baton.Server.Tests.Dashboard.ShellHttp;

namespace Baton.Server.Tests.Dashboard;

/// <summary>The dashboard's embedded files at <c>/assets/</c>: without a key, with their content type, an ETag, and 304 for a matching If-None-Match.</summary>
public sealed class AssetTests
{
    [Theory]
    [InlineData("/assets/app.css", "text/css")]
    [InlineData("/assets/app.js", "text/javascript")]
    public async Task Asset_FromAnywhereWithoutAKey_IsServedWithItsTypeAndAnETag(string path, string type)
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server, forwarded: true);

        using var response = await GetAsync(browser, path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(body.Length > 1000, $"{path} is {body.Length} characters: the real file, not a placeholder");
    }

    [Fact]
    public async Task Asset_WithTheCurrentETag_Is304WithoutABody()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server);
        using var first = await GetAsync(browser, "/assets/app.js");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/assets/app.js");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var again = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
    }

    [Fact]
    public async Task Asset_Unknown_Is404()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server);

        using var response = await GetAsync(browser, "/assets/nope.js");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Stylesheet_HasDarkModeFocusOutlinesAndTheStatusColours()
    {
        await using var server = await TestServer.StartAsync();
        using var browser = Browser(server);

        using var response = await GetAsync(browser, "/assets/app.css");
        var css = await response.Content.ReadAsStringAsync();

        Assert.Contains("prefers-color-scheme: dark", css, StringComparison.Ordinal);
        Assert.Contains(":focus-visible", css, StringComparison.Ordinal);
        foreach (var status in new[] { "online", "degraded", "offline", "paused", "waiting", "queued", "running", "failed", "dead", "succeeded", "cancelled", "active", "stale" })
            Assert.Contains(".status-" + status, css, StringComparison.Ordinal);
    }
}
