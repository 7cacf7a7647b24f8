using System.Globalization;
using System.Text.Json;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>
/// Issue 16 over HTTP on a real server: a rate-limited attempt fails over to another agent at once, and a venture's
/// daily budget holds a task, shown on the task, until the budget is raised.
/// </summary>
public sealed class FailoverAndBudgetRoutesTests
{
    private static async Task<(int Status, JsonElement Json)> SendAsync(HttpClient client, HttpMethod method, string url, string body)
    {
        using var request = new HttpRequestMessage(method, url) { Content = TestServer.Json(body) };
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await TestServer.ReadJsonAsync(response));
    }

    private static async Task<JsonElement> OkAsync(HttpClient client, HttpMethod method, string url, string body)
    {
        var (status, json) = await SendAsync(client, method, url, body);
        Assert.True(status is 200 or 201, $"{method} {url} answered {status}: {json}");
        return json;
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {json}");
        return json;
    }

    private static async Task<string> RegisterAsync(HttpClient client, string name, string cli, double weight) =>
        (await OkAsync(client, HttpMethod.Post, "/v1/agents", $$"""
            {"name":"{{name}}","cli":"{{cli}}","capabilities":[{"name":"code","weight":{{weight.ToString(CultureInfo.InvariantCulture)}}}]}
            """)).GetProperty("agent").GetProperty("id").GetString()!;

    [Fact]
    public async Task Fail_RateLimited_PausedAgentsTaskGoesToTheOtherCliAtOnceWithoutUsingAnAttempt()
    {
        await using var server = await TestServer.StartAsync();
        var claude = await RegisterAsync(server.Admin, "claude-1", "claude", 0.9);
        var codex = await RegisterAsync(server.Admin, "codex-1", "codex", 0.7);
        var added = await OkAsync(server.Admin, HttpMethod.Post, "/v1/tasks", """{"venture":"alpha","capability":"code","title":"Fix the login bug","max_attempts":1}""");
        var id = added.GetProperty("id").GetString()!;
        var first = (await OkAsync(server.Admin, HttpMethod.Post, $"/v1/agents/{claude}/next", """{"wait_seconds":10}""")).GetProperty("task");
        Assert.Equal(id, first.GetProperty("id").GetString());
        await OkAsync(server.Admin, HttpMethod.Post, $"/v1/tasks/{id}/start", """{"epoch":1}""");

        // What the worker does on a rate limit: pause the agent until the reset, then give the attempt back.
        await OkAsync(server.Admin, HttpMethod.Post, $"/v1/agents/{claude}/pause", """{"until":"2099-01-01T00:00:00Z","reason":"rate limited"}""");
        var failed = await OkAsync(server.Admin, HttpMethod.Post, $"/v1/tasks/{id}/fail",
            """{"epoch":1,"error":{"type":"rate_limited","message":"usage limit reached"},"usage":{"input_tokens":1000,"output_tokens":10,"cost_usd":0.02}}""");
        var next = (await OkAsync(server.Admin, HttpMethod.Post, $"/v1/agents/{codex}/next", """{"wait_seconds":10}""")).GetProperty("task");

        Assert.Equal(("queued", 1, 2), (failed.GetProperty("state").GetString(), failed.GetProperty("attempt").GetInt32(), failed.GetProperty("max_attempts").GetInt32()));
        Assert.Equal((id, 2L), (next.GetProperty("id").GetString(), next.GetProperty("epoch").GetInt64()));
        var spend = await GetAsync(server.Admin, "/v1/spend?venture=alpha");
        Assert.Equal(0.02, spend.GetProperty("totals").GetProperty("cost_usd").GetDouble());
    }

    [Fact]
    public async Task Dispatch_VentureOverItsDailyBudget_HoldsTheTaskWithTheReasonUntilTheBudgetIsRaised()
    {
        await using var server = await TestServer.StartAsync();
        var agent = await RegisterAsync(server.Admin, "claude-1", "claude", 0.9);
        const string venture = """{"name":"Project Alpha","org":"example-org","repos":["alpha-console"],"daily_budget_usd":0.25}""";
        var put = await OkAsync(server.Admin, HttpMethod.Put, "/v1/ventures/alpha", venture);
        Assert.Equal(0.25, put.GetProperty("daily_budget_usd").GetDouble());
        var id = (await OkAsync(server.Admin, HttpMethod.Post, "/v1/tasks", """{"venture":"alpha","capability":"code","title":"Refactor","max_cost_usd":0.5}"""))
            .GetProperty("id").GetString()!;

        var none = await OkAsync(server.Admin, HttpMethod.Post, $"/v1/agents/{agent}/next", """{"wait_seconds":1}""");
        var held = await Eventually.ValueAsync(() => GetAsync(server.Admin, $"/v1/tasks/{id}"), t => t.GetProperty("held").ValueKind == JsonValueKind.String, $"{id} held");

        Assert.Equal(JsonValueKind.Null, none.GetProperty("task").ValueKind);
        Assert.Equal("queued", held.GetProperty("state").GetString());
        Assert.Equal("venture alpha's daily budget of $0.25: this task may cost up to $0.50, more than the whole budget; assignable once the budget is raised",
            held.GetProperty("held").GetString());

        await OkAsync(server.Admin, HttpMethod.Put, "/v1/ventures/alpha", venture.Replace("0.25", "1.00", StringComparison.Ordinal));
        var next = (await OkAsync(server.Admin, HttpMethod.Post, $"/v1/agents/{agent}/next", """{"wait_seconds":10}""")).GetProperty("task");

        Assert.Equal(id, next.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, (await GetAsync(server.Admin, $"/v1/tasks/{id}")).GetProperty("held").ValueKind);
    }
}
