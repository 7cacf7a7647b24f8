using System.Text.Json;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>
/// Supervision on a real server (docs/architecture.md §14 Supervision): a venture's follow-up rule turns a succeeded
/// task into a review task, which the dispatcher gives to the agent with the capability; the review's result is read
/// as a report and shown with the reviewed task at <c>GET /v1/tasks/{id}/reviews</c>.
/// </summary>
public sealed class SupervisionRoutesTests
{
    private static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string url, string? body = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : TestServer.Json(body) };
        using var response = await client.SendAsync(request);
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"{method} {url} answered {(int)response.StatusCode}: {json}");
        return json;
    }

    private static async Task<string> RegisterAsync(HttpClient client, string name, string capability) =>
        (await SendAsync(client, HttpMethod.Post, "/v1/agents",
            $$"""{"name":"{{name}}","cli":"claude","capabilities":[{"name":"{{capability}}","weight":0.9}]}"""))
        .GetProperty("agent").GetProperty("id").GetString()!;

    private static Task<JsonElement> AssignedAsync(HttpClient client, string taskId) =>
        Eventually.ValueAsync(() => SendAsync(client, HttpMethod.Get, $"/v1/tasks/{taskId}"), t => t.GetProperty("state").GetString() == "assigned", $"{taskId} assigned");

    [Fact]
    public async Task Complete_CodeTaskOfAVentureWithAFollowUp_CreatesAReviewWhoseVerdictIsShownWithTheCodeTask()
    {
        await using var server = await TestServer.StartAsync();
        await SendAsync(server.Admin, HttpMethod.Put, "/v1/ventures/alpha", """
            {"name":"Project Alpha","org":"example-org","repos":["alpha-console"],
             "follow_ups":[{"after":"code","create":"review","title":"Review: {title}","prompt":"Review {pr_url}"}]}
            """);
        await RegisterAsync(server.Admin, "coder", "code");
        var reviewer = await RegisterAsync(server.Admin, "reviewer", "review");
        var code = (await SendAsync(server.Admin, HttpMethod.Post, "/v1/tasks", """{"venture":"alpha","capability":"code","title":"Add paging"}"""))
            .GetProperty("id").GetString()!;
        await AssignedAsync(server.Admin, code);
        await SendAsync(server.Admin, HttpMethod.Post, $"/v1/tasks/{code}/start", """{"epoch":1}""");

        await SendAsync(server.Admin, HttpMethod.Post, $"/v1/tasks/{code}/complete",
            """{"epoch":1,"result":{},"branch":"baton/add-paging","pr_url":"https://github.com/example-org/alpha-console/pull/9"}""");

        var reviews = await SendAsync(server.Admin, HttpMethod.Get, "/v1/tasks?capability=review&venture=alpha");
        Assert.Equal(1, reviews.GetProperty("total").GetInt64());
        var reviewId = reviews.GetProperty("items")[0].GetProperty("id").GetString()!;
        var review = await AssignedAsync(server.Admin, reviewId);
        Assert.Equal(reviewer, review.GetProperty("assigned_agent").GetString());
        Assert.Equal(("Review: Add paging", "Review https://github.com/example-org/alpha-console/pull/9", $"follow-up:{code}"),
            (review.GetProperty("title").GetString(), review.GetProperty("prompt").GetString(), review.GetProperty("created_by").GetString()));
        Assert.Equal(code, review.GetProperty("payload").GetProperty("reviews").GetString());
        Assert.Equal("baton/add-paging", review.GetProperty("payload").GetProperty("branch").GetString());

        await SendAsync(server.Admin, HttpMethod.Post, $"/v1/tasks/{reviewId}/start", """{"epoch":1}""");
        await SendAsync(server.Admin, HttpMethod.Post, $"/v1/tasks/{reviewId}/complete",
            """{"epoch":1,"result":{"verdict":"request_changes","concerns":["no test for the last page"],"summary":"Almost."}}""");
        var reports = await SendAsync(server.Admin, HttpMethod.Get, $"/v1/tasks/{code}/reviews");

        Assert.Equal(1, reports.GetProperty("total").GetInt64());
        var report = reports.GetProperty("items")[0];
        Assert.Equal(("request_changes", reviewId, reviewer, "Almost."),
            (report.GetProperty("verdict").GetString(), report.GetProperty("review_task_id").GetString(), report.GetProperty("agent_id").GetString(),
                report.GetProperty("summary").GetString()));
        Assert.Equal("no test for the last page", report.GetProperty("concerns")[0].GetString());
        // The review task is no follow-up source: no rule starts at "review".
        Assert.Equal(2, (await SendAsync(server.Admin, HttpMethod.Get, "/v1/tasks?venture=alpha")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task PutVenture_FollowUpWithAnUnknownPlaceholder_Is400NamingTheRule()
    {
        await using var server = await TestServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/ventures/alpha")
        {
            Content = TestServer.Json("""{"name":"Project Alpha","org":"example-org","follow_ups":[{"after":"code","create":"review","title":"{titel}"}]}"""),
        };

        using var response = await server.Admin.SendAsync(request);
        var problem = await TestServer.ReadJsonAsync(response);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("{titel}", problem.GetProperty("errors").GetProperty("follow_ups[0]")[0].GetString(), StringComparison.Ordinal);
    }
}
