using System.Text.Json;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

/// <summary>A running server sees ventures.json changes: a file edited, or added after the start, without a restart.</summary>
public sealed class VenturesReloadTests
{
    private const string WithGamma = """
        { "ventures": [
            { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["alpha-console"] },
            { "code": "gamma", "name": "Project Gamma", "org": "example-org", "repos": ["gamma-web"] } ] }
        """;

    private static async Task<IReadOnlyList<string>> CodesAsync(TestServer server)
    {
        using var response = await server.Admin.GetAsync("/v1/ventures");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var items = json.ValueKind == JsonValueKind.Array ? json : json.GetProperty("items");
        return [.. items.EnumerateArray().Select(v => v.GetProperty("code").GetString()!)];
    }

    [Fact]
    public async Task VenturesFile_EditedWhileTheServerRuns_IsAppliedWithoutARestart()
    {
        await using var server = await TestServer.StartAsync();
        Assert.DoesNotContain("gamma", await CodesAsync(server));

        await File.WriteAllTextAsync(Path.Combine(server.DataDir, "ventures.json"), WithGamma);

        var codes = await Eventually.ValueAsync(() => CodesAsync(server), c => c.Contains("gamma"), "gamma to be registered");
        Assert.Contains("alpha", codes);
    }

    [Fact]
    public async Task VenturesFile_AddedAfterTheStart_IsApplied()
    {
        // A data directory of its own, with no ventures.json at all when the server starts.
        await using var fresh = await TestServer.StartAsync(options => options.DataDir = Path.Combine(options.DataDir, "later"));
        Assert.Empty(await CodesAsync(fresh));

        await File.WriteAllTextAsync(Path.Combine(fresh.DataDir, "later", "ventures.json"), WithGamma);

        await Eventually.ValueAsync(() => CodesAsync(fresh), c => c.Contains("gamma"), "gamma to be registered");
    }

    [Fact]
    public async Task VenturesFile_BrokenWhileTheServerRuns_KeepsTheVenturesAndReloadSaysNothingWasApplied()
    {
        await using var server = await TestServer.StartAsync();
        await File.WriteAllTextAsync(Path.Combine(server.DataDir, "ventures.json"), """{ "ventures": [ { "code": "alpha", """);

        var applied = await server.Server.ReloadVenturesAsync(CancellationToken.None);

        Assert.False(applied);
        Assert.Contains("alpha", await CodesAsync(server));
        Assert.Contains("beta", await CodesAsync(server));
    }
}
