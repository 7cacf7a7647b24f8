using Baton.Mcp.Hosting;
using System.Text.Json;
using Baton.Mcp.Tests.Support;
using ModelContextProtocol.Protocol;

namespace Baton.Mcp.Tests.InMemory;

public sealed class ToolListTests
{
    [Fact]
    public async Task ListTools_All_OffersEveryToolWithEveryParameterDescribed()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create());

        var tools = await mcp.Client.ListToolsAsync(cancellationToken: TestTimeouts.Token());

        Assert.Equal(BatonMcpServer.AllTools.Order(), tools.Select(t => t.Name).Order());
        Schemas.AssertEveryParameterDescribed(tools.Select(t => (t.Name, (string?)t.Description, t.JsonSchema)));
        var sod = tools.Single(t => t.Name == "sod").ProtocolTool;
        Assert.False(sod.Annotations?.ReadOnlyHint);
        Assert.True(tools.Single(t => t.Name == "notes").ProtocolTool.Annotations?.ReadOnlyHint);
        Assert.Equal(["status", "summary"], sodOrHandoffRequired(tools.Single(t => t.Name == "handoff").JsonSchema));

        static string[] sodOrHandoffRequired(JsonElement schema) =>
            schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).Order().ToArray();
    }

    [Fact]
    public async Task ListTools_Core_OffersOnlyTheCoreSet()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create(), o => new BatonMcpOptions
        {
            WorkingDirectory = o.WorkingDirectory, HostName = o.HostName, Tools = ToolSet.Core,
        });

        var tools = await mcp.Client.ListToolsAsync(cancellationToken: TestTimeouts.Token());

        Assert.Equal(["context", "doc", "handoff", "heartbeat", "notes", "sod", "status", "waiting"], tools.Select(t => t.Name).Order());
    }

    [Fact]
    public async Task Prompts_StartAndEndSession_WalkThroughSodAndAGoodHandoff()
    {
        await using var mcp = await McpHarness.StartAsync(TempGitRepo.Create());

        var prompts = await mcp.Client.ListPromptsAsync(cancellationToken: TestTimeouts.Token());
        var start = await mcp.Client.GetPromptAsync("start-session", new Dictionary<string, object?> { ["venture"] = "alpha" }, cancellationToken: TestTimeouts.Token());
        var end = await mcp.Client.GetPromptAsync("end-session", cancellationToken: TestTimeouts.Token());

        Assert.Equal(["end-session", "start-session"], prompts.Select(p => p.Name).Order());
        var startText = string.Concat(start.Messages.Select(m => (m.Content as TextContentBlock)?.Text));
        var endText = string.Concat(end.Messages.Select(m => (m.Content as TextContentBlock)?.Text));
        Assert.Contains("`sod` tool with venture=\"alpha\"", startText);
        foreach (var field in new[] { "accomplished", "in_progress", "blocked", "next_steps", "success_criteria", "end_session=true" })
        {
            Assert.Contains(field, endText);
        }
    }
}

/// <summary>Checks on the tools' advertised schemas, shared by the in-memory and the process tests.</summary>
public static class Schemas
{
    /// <summary>Every tool has a description and every parameter of every tool has one too.</summary>
    public static void AssertEveryParameterDescribed(IEnumerable<(string Name, string? Description, JsonElement InputSchema)> tools)
    {
        foreach (var (name, description, schema) in tools)
        {
            Assert.False(string.IsNullOrWhiteSpace(description), $"tool {name} has no description");
            foreach (var property in schema.GetProperty("properties").EnumerateObject())
            {
                Assert.True(property.Value.TryGetProperty("description", out var d) && d.GetString()!.Length > 0,
                    $"parameter {property.Name} of {name} has no description");
            }
        }
    }
}
