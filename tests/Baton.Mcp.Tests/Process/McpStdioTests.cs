using System.Diagnostics;
using System.Text.Json;

namespace Baton.Mcp.Tests.Process;

/// <summary>
/// The built <c>baton mcp</c> spoken to in raw JSON-RPC lines, as an agent CLI writes them: what it answers to a line
/// that is not JSON-RPC, and that the end of stdin ends it — after every answer owed, whatever requests are still open.
/// </summary>
public sealed class McpStdioTests : IDisposable
{
    private const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw-test","version":"1"}}}""";
    private const string Initialized = """{"jsonrpc":"2.0","method":"notifications/initialized"}""";

    // The 2026-07-28 revision has no initialize: every request declares its protocol version in _meta.
    private const string Meta =
        "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientInfo\":{\"name\":\"claude-code\",\"version\":\"2.1.332\"},\"io.modelcontextprotocol/clientCapabilities\":{}}";
    private const string Discover = """{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{""" + Meta + "}}";
    private const string Listen = """{"jsonrpc":"2.0","id":2,"method":"subscriptions/listen","params":{"notifications":{"toolsListChanged":true},""" + Meta + "}}";

    private readonly ProcessWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public async Task Mcp_MalformedLine_AnswersParseErrorWithNullIdAndKeepsServing()
    {
        var result = await BatonProcess.RunAsync(_world.McpStartInfo(), "{not json\n" + Initialize + "\n");

        Assert.Equal(0, result.ExitCode);
        var answers = Lines(result.Out);
        Assert.Equal(2, answers.Count);
        var error = answers[0].RootElement;
        Assert.Equal(JsonValueKind.Null, error.GetProperty("id").ValueKind);
        Assert.Equal(-32700, error.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("baton", answers[1].RootElement.GetProperty("result").GetProperty("serverInfo").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Mcp_JsonThatIsNotJsonRpc_AnswersInvalidRequestWithItsId()
    {
        var result = await BatonProcess.RunAsync(_world.McpStartInfo(), """{"jsonrpc":"2.0","id":7}""" + "\n");

        var error = Assert.Single(Lines(result.Out)).RootElement;
        Assert.Equal(7, error.GetProperty("id").GetInt32());
        Assert.Equal(-32600, error.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Mcp_RequestsWrittenAndStdinClosedAtOnce_AnswersEveryRequestThenExits()
    {
        const string sod = """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"sod","arguments":{}}}""";
        const string list = """{"jsonrpc":"2.0","id":3,"method":"tools/list"}""";

        var result = await BatonProcess.RunAsync(_world.McpStartInfo(), string.Join("\n", Initialize, Initialized, sod, list) + "\n");

        Assert.Equal(0, result.ExitCode);
        var answers = Lines(result.Out).ToDictionary(a => a.RootElement.GetProperty("id").GetInt32(), a => a.RootElement);
        Assert.Equal([1, 2, 3], answers.Keys.Order());
        var session = answers[2].GetProperty("result").GetProperty("structuredContent").GetProperty("sod").GetProperty("session");
        Assert.StartsWith("sess_", session.GetProperty("id").GetString());
        Assert.True(answers[3].GetProperty("result").GetProperty("tools").GetArrayLength() > 0);
    }

    [Fact]
    public async Task Mcp_InitializeThenStdinClosed_ExitsWithZero()
    {
        using var process = System.Diagnostics.Process.Start(_world.McpStartInfo())!;
        await process.StandardInput.WriteLineAsync(Initialize);
        await process.StandardInput.WriteLineAsync(Initialized);
        await process.StandardInput.FlushAsync();
        Assert.Equal(1, await ReadAnswerIdAsync(process));

        process.StandardInput.Close();

        Assert.Equal(0, await ExitCodeAsync(process));
    }

    [Fact]
    public async Task Mcp_NewProtocolDiscoverThenListenThenStdinClosed_ExitsWithZero()
    {
        using var process = System.Diagnostics.Process.Start(_world.McpStartInfo())!;
        await process.StandardInput.WriteLineAsync(Discover);
        await process.StandardInput.WriteLineAsync(Listen);
        await process.StandardInput.FlushAsync();
        Assert.Equal(1, await ReadAnswerIdAsync(process));

        // Claude Code 2.1.332 keeps this listen open for the whole session; closing stdin is how it says goodbye.
        process.StandardInput.Close();

        Assert.Equal(0, await ExitCodeAsync(process));
    }

    [Fact]
    public async Task Mcp_Initialize_AnsweredBeforeTheStoreIsOpened()
    {
        using var process = System.Diagnostics.Process.Start(_world.McpStartInfo())!;
        await process.StandardInput.WriteLineAsync(Initialize);
        await process.StandardInput.FlushAsync();
        Assert.Equal(1, await ReadAnswerIdAsync(process));

        // Nothing has asked for the store yet (not even notifications/initialized, which opens it in the background).
        Assert.False(File.Exists(Path.Combine(_world.DataDir, "baton.db")), "initialize is answered without opening the store");
        process.StandardInput.Close();
        Assert.Equal(0, await ExitCodeAsync(process));
    }

    [Fact]
    public async Task Mcp_MalformedVenturesFile_InitializeAnswersAndTheToolCallNamesFileAndLine()
    {
        File.WriteAllText(Path.Combine(_world.DataDir, "ventures.json"), "{ \"ventures\": [\n  { \"code\": \"alpha\", }\n] }");
        const string sod = """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"sod","arguments":{}}}""";

        var result = await BatonProcess.RunAsync(_world.McpStartInfo(), string.Join("\n", Initialize, Initialized, sod) + "\n");

        Assert.Equal(0, result.ExitCode);
        var answers = Lines(result.Out).ToDictionary(a => a.RootElement.GetProperty("id").GetInt32(), a => a.RootElement);
        Assert.Equal("baton", answers[1].GetProperty("result").GetProperty("serverInfo").GetProperty("name").GetString());
        var call = answers[2].GetProperty("result");
        Assert.True(call.GetProperty("isError").GetBoolean());
        Assert.Equal(McpErrorCodes.InvalidConfiguration, call.GetProperty("structuredContent").GetProperty("error").GetString());
        Assert.Contains("ventures.json:2: not valid JSON", call.GetProperty("structuredContent").GetProperty("message").GetString());
    }

    /// <summary>The id of the first answer (a line with an id and a result or error) on stdout; notifications are skipped.</summary>
    private static async Task<int> ReadAnswerIdAsync(System.Diagnostics.Process process)
    {
        while (await process.StandardOutput.ReadLineAsync(TestTimeouts.Token()) is { } line)
        {
            using var message = JsonDocument.Parse(line);
            if (message.RootElement.TryGetProperty("id", out var id) &&
                (message.RootElement.TryGetProperty("result", out _) || message.RootElement.TryGetProperty("error", out _)))
                return id.GetInt32();
        }
        throw new InvalidOperationException("baton mcp closed stdout without answering:\n" + await process.StandardError.ReadToEndAsync());
    }

    /// <summary>Waits for the exit within the test bound; a process still running then is killed and the test fails.</summary>
    private static async Task<int> ExitCodeAsync(System.Diagnostics.Process process)
    {
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync(TestTimeouts.Token());
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"baton mcp was still running {TestTimeouts.Default} after stdin closed.");
        }
        Assert.DoesNotContain("fail:", await stderr);
        return process.ExitCode;
    }

    private static List<JsonDocument> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => JsonDocument.Parse(l)).ToList();
}
