using System.Text.Json;
using Baton.Core.Common;

namespace Baton.Server.Tests.Support;

/// <summary>
/// The knowledge routes' calls tests repeat: bodies are serialised with Baton's own options (snake_case), so content
/// with quotes and newlines travels exactly.
/// </summary>
internal static class KnowledgeCalls
{
    public static StringContent Body(object value) => TestServer.Json(JsonSerializer.Serialize(value, BatonJson.Options));

    /// <summary>Creates a note and returns it; fails the test unless it is 201.</summary>
    public static async Task<JsonElement> CreateNoteAsync(
        HttpClient client, string venture, string title, string content, string[]? tags = null)
    {
        using var response = await client.PostAsync("/v1/notes", Body(new { Venture = venture, Title = title, Content = content, Tags = tags ?? [] }));
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True((int)response.StatusCode == 201, $"POST /v1/notes answered {(int)response.StatusCode}: {json}");
        return json;
    }

    /// <summary>Uploads a doc and returns the answer (status and body); the caller asserts what it expects.</summary>
    public static async Task<(int Status, JsonElement Json)> PutDocAsync(
        HttpClient client, string scope, string name, string content, bool? generated = null, string? title = null)
    {
        using var response = await client.PutAsync($"/v1/admin/docs/{scope}/{name}", Body(new { Content = content, Title = title, Generated = generated }));
        return ((int)response.StatusCode, await TestServer.ReadJsonAsync(response));
    }

    /// <summary>Uploads a doc and returns the answer; fails the test unless it is 200.</summary>
    public static async Task<JsonElement> PutDocOkAsync(HttpClient client, string scope, string name, string content)
    {
        var (status, json) = await PutDocAsync(client, scope, name, content);
        Assert.True(status == 200, $"PUT doc {scope}/{name} answered {status}: {json}");
        return json;
    }

    public static async Task<(int Status, JsonElement Json)> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        return ((int)response.StatusCode, await TestServer.ReadJsonAsync(response));
    }

    /// <summary>Runs SOD with extra fields (docs_format, budget_chars); fails the test unless it is 200.</summary>
    public static async Task<JsonElement> SodAsync(HttpClient client, string venture, string? docsFormat = null, int? budgetChars = null)
    {
        var repo = venture == "alpha" ? "alpha-console" : "beta-api";
        using var response = await client.PostAsync("/v1/sod",
            Body(new { Agent = "a1", Venture = venture, Repo = repo, DocsFormat = docsFormat, BudgetChars = budgetChars }));
        var json = await TestServer.ReadJsonAsync(response);
        Assert.True((int)response.StatusCode == 200, $"SOD answered {(int)response.StatusCode}: {json}");
        return json;
    }

    public static string[] Strings(JsonElement array, string property) =>
        [.. array.EnumerateArray().Select(e => e.GetProperty(property).GetString()!)];
}
