using System.Net.Http.Headers;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests.Dashboard;

/// <summary>
/// Requests as a browser makes them, for the dashboard shell's tests: no automatic redirects or cookie jar (each test
/// sends the cookie it means to), optionally as if forwarded by a proxy — which makes a loopback request non-local.
/// </summary>
internal static class ShellHttp
{
    public const string CookieName = "baton_key";

    /// <summary>The XSS payloads put in every user-supplied field a page renders.</summary>
    public const string Script = "<script>alert(1)</script>";
    public const string Breakout = "\"><img src=x onerror=alert(1)>";

    public static HttpClient Browser(TestServer server, bool forwarded = false, string? bearer = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = server.Server.BaseAddress,
            Timeout = TestTimeouts.Default,
        };
        if (forwarded) client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    public static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null) request.Headers.Add("Cookie", $"{CookieName}={cookie}");
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, IEnumerable<KeyValuePair<string, string>> form,
        string? cookie = null, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (cookie is not null) request.Headers.Add("Cookie", $"{CookieName}={cookie}");
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string key, string next = "/", params (string Name, string Value)[] headers) =>
        PostFormAsync(client, "/sign-in", [new("key", key), new("next", next)], null, headers);

    /// <summary>The Set-Cookie header for the dashboard's cookie, or null.</summary>
    public static string? SetCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.FirstOrDefault(v => v.StartsWith(CookieName + "=", StringComparison.Ordinal)) : null;

    /// <summary>The actor id of key <paramref name="id"/> (what the dashboard shows for it).</summary>
    public static async Task<string> ActorOfAsync(TestServer server, string id)
    {
        using var response = await server.Admin.GetAsync("/v1/admin/keys");
        var list = await TestServer.ReadJsonAsync(response);
        return list.GetProperty("items").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id).GetProperty("actor_key_id").GetString()!;
    }

    /// <summary>Asserts neither payload appears raw, only escaped.</summary>
    public static void AssertInert(string html)
    {
        Assert.DoesNotContain(Script, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
    }
}
