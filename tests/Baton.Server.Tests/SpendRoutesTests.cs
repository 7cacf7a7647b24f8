using System.Net;
using System.Text.Json;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>
/// <c>GET /v1/spend</c> on a real server (docs/architecture.md §15 Spend): exact sums as JSON numbers, the period and
/// the grouping in the answer, a venture-scoped key seeing only its venture, bad parameters refused by field.
/// </summary>
public sealed class SpendRoutesTests
{
    internal static async Task<JsonElement> PostAsync(HttpClient client, string url, string body)
    {
        using var response = await client.PostAsync(url, TestServer.Json(body));
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"POST {url} answered {(int)response.StatusCode}: {json}");
        return json;
    }

    /// <summary>A task of <paramref name="venture"/> taken by the agent's long poll, started and completed with this usage.</summary>
    internal static async Task CompleteAsync(HttpClient admin, string agent, string venture, string usage)
    {
        await PostAsync(admin, "/v1/tasks", $$"""{"venture":"{{venture}}","capability":"review","title":"Review"}""");
        var task = (await PostAsync(admin, $"/v1/agents/{agent}/next", """{"wait_seconds":25}""")).GetProperty("task");
        var id = task.GetProperty("id").GetString();
        var epoch = task.GetProperty("epoch").GetInt64();
        await PostAsync(admin, $"/v1/tasks/{id}/start", $$"""{"epoch":{{epoch}}}""");
        await PostAsync(admin, $"/v1/tasks/{id}/complete", $$"""{"epoch":{{epoch}},"usage":{{usage}}}""");
    }

    [Fact]
    public async Task GetSpend_AScopedKey_SeesOnlyItsVentureAndAnotherVentureIs403()
    {
        await using var server = await TestServer.StartAsync();
        var agent = (await PostAsync(server.Admin, "/v1/agents", """{"name":"reviewer","cli":"claude","capabilities":[{"name":"review","weight":0.8}]}"""))
            .GetProperty("agent").GetProperty("id").GetString()!;
        await CompleteAsync(server.Admin, agent, "alpha", """{"input_tokens":1000,"output_tokens":100,"cost_usd":0.1}""");
        await CompleteAsync(server.Admin, agent, "alpha", """{"input_tokens":2000,"output_tokens":200,"cost_usd":0.2}""");
        await CompleteAsync(server.Admin, agent, "beta", """{"input_tokens":7,"output_tokens":3}""");
        var (_, key) = await server.CreateKeyAsync("agent", venture: "beta");
        var scoped = server.Client(key);

        using var all = await server.Admin.GetAsync("/v1/spend?since=1d");
        var admin = await TestServer.ReadJsonAsync(all);
        using var mine = await scoped.GetAsync("/v1/spend?by=agent");
        var beta = await TestServer.ReadJsonAsync(mine);
        using var other = await scoped.GetAsync("/v1/spend?venture=alpha");
        using var bad = await server.Admin.GetAsync("/v1/spend?by=week&since=soon");
        var problem = await TestServer.ReadJsonAsync(bad);

        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var totals = admin.GetProperty("totals");
        Assert.Equal((3L, 2L, 3_007L, 303L), (totals.GetProperty("reports").GetInt64(), totals.GetProperty("reports_with_cost").GetInt64(),
            totals.GetProperty("input_tokens").GetInt64(), totals.GetProperty("output_tokens").GetInt64()));
        // Exact: 0.1 + 0.2 summed as micro-dollars, not as doubles (0.30000000000000004).
        Assert.Equal("0.3", totals.GetProperty("cost_usd").GetRawText());
        Assert.Equal(("venture", 2L), (admin.GetProperty("by").GetString(), admin.GetProperty("group_count").GetInt64()));
        Assert.Equal(TimeSpan.FromDays(1), admin.GetProperty("until").GetDateTimeOffset() - admin.GetProperty("since").GetDateTimeOffset());
        Assert.Equal(["alpha", "beta"], admin.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("key").GetString()));

        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal("beta", beta.GetProperty("venture").GetString());
        var group = Assert.Single(beta.GetProperty("groups").EnumerateArray());
        Assert.Equal((agent, "reviewer", 10L), (group.GetProperty("key").GetString(), group.GetProperty("label").GetString(),
            group.GetProperty("totals").GetProperty("tokens").GetInt64()));
        Assert.Equal(0L, beta.GetProperty("totals").GetProperty("reports_with_cost").GetInt64());

        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("by", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("since", out _));
    }
}
