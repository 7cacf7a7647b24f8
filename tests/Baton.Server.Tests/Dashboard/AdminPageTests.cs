using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Server.Tests.Support;
using static Baton.Server.Tests.Dashboard.ShellHttp;

namespace Baton.Server.Tests.Dashboard;

/// <summary>The Admin page (<c>/admin</c>): the keys, read-only, for admins; anyone else gets a 403 page in words and no link to it.</summary>
public sealed class AdminPageTests
{
    [Fact]
    public async Task Admin_ForAnAdmin_ListsEveryKeyWithRoleVentureAndRevokedState()
    {
        await using var server = await TestServer.StartAsync();
        var (agentId, _) = await server.CreateKeyAsync("agent", venture: "beta");
        var (revokedId, _) = await server.CreateKeyAsync("agent");
        using (var revoke = await server.Admin.DeleteAsync($"/v1/admin/keys/{revokedId}")) Assert.True(revoke.IsSuccessStatusCode);
        using var browser = Browser(server);

        using var response = await GetAsync(browser, "/admin");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = Regex.Matches(html, "<tr data-id=\"([^\"]+)\".*?</tr>", RegexOptions.Singleline).ToDictionary(m => m.Groups[1].Value, m => m.Value);
        Assert.Equal(3, rows.Count); // the server's own admin key and the two made here
        Assert.Contains("<p class=\"count\">3 keys</p>", html, StringComparison.Ordinal);
        Assert.Contains("<td>beta</td>", rows[agentId], StringComparison.Ordinal);
        Assert.Contains("<td>agent</td>", rows[agentId], StringComparison.Ordinal);
        Assert.Contains("status-active", rows[agentId], StringComparison.Ordinal);
        Assert.Contains("status-revoked", rows[revokedId], StringComparison.Ordinal);
        Assert.Contains("href=\"/admin\" aria-current=\"page\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_ForAnAgentKey_Is403InWordsAndTheNavigationHidesIt()
    {
        await using var server = await TestServer.StartAsync();
        var (_, key) = await server.CreateKeyAsync("agent");
        using var browser = Browser(server, bearer: key);

        using var admin = await GetAsync(browser, "/admin");
        var html = await admin.Content.ReadAsStringAsync();
        using var panel = await GetAsync(browser, "/panels/keys");
        var panelHtml = await panel.Content.ReadAsStringAsync();
        using var now = await GetAsync(browser, "/");

        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        Assert.Contains("for admin keys only", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<tr data-id", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<tr data-id", panelHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/admin\"", await now.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_AKeyNameIsEscaped()
    {
        await using var server = await TestServer.StartAsync();
        using var create = await server.Admin.PostAsync("/v1/admin/keys",
            TestServer.Json(JsonSerializer.Serialize(new { role = "agent", name = Script + Breakout })));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        using var browser = Browser(server);

        using var response = await GetAsync(browser, "/admin");

        AssertInert(await response.Content.ReadAsStringAsync());
    }
}
