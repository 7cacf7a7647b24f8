using System.Net;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>
/// One rule for cursors on every list: a cursor the list never gave out is 400 <c>invalid_cursor</c>. The keyset
/// lists (sessions, handoffs, machines) used to answer such a cursor with an empty 200 page.
/// </summary>
public sealed class CursorRoutesTests
{
    [Theory]
    [InlineData("/v1/sessions")]
    [InlineData("/v1/handoffs?venture=alpha")]
    [InlineData("/v1/machines")]
    [InlineData("/v1/notes?venture=alpha")]
    [InlineData("/v1/notes?q=anything")]
    [InlineData("/v1/alerts?venture=alpha")]
    public async Task List_GarbageCursor_Is400InvalidCursor(string route)
    {
        await using var server = await TestServer.StartAsync();
        await server.SodAsync(server.Admin, "a1");

        foreach (var cursor in new[] { "garbage", "sess_01M8RKQ7E1TYB8JDN73X7QDH6Y'", "-1" })
        {
            var separator = route.Contains('?') ? '&' : '?';
            using var response = await server.Admin.GetAsync($"{route}{separator}cursor={Uri.EscapeDataString(cursor)}");
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{route} cursor={cursor}: {(int)response.StatusCode} {text}");
            var problem = await TestServer.ReadJsonAsync(response);
            Assert.Equal("invalid_cursor", problem.GetProperty("code").GetString());
            Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _));
        }
    }

    [Fact]
    public async Task ListSessions_CursorFromAnotherList_Is400InvalidCursor()
    {
        await using var server = await TestServer.StartAsync();
        await server.SodAsync(server.Admin, "a1");
        await server.SodAsync(server.Admin, "a2");
        using var handoff = await server.Admin.PostAsync("/v1/handoffs",
            TestServer.Json("""{"venture":"alpha","repo":"alpha-console","from_agent":"a1","summary":"s","status":"done"}"""));
        var handoffId = (await TestServer.ReadJsonAsync(handoff)).GetProperty("id").GetString();

        using var response = await server.Admin.GetAsync($"/v1/sessions?cursor={handoffId}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_cursor", (await TestServer.ReadJsonAsync(response)).GetProperty("code").GetString());
    }
}
