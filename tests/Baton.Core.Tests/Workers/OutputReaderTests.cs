using Baton.Core.Orchestration.Agents;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Workers;

namespace Baton.Core.Tests.Workers;

/// <summary>Each reader on fixture texts in the CLI's real shapes: success, each error kind, limits, garbage, truncation, huge lines.</summary>
public sealed class OutputReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 8, 26, 19, 0, 0, TimeSpan.Zero);
    private static readonly TokenPrice Price = new(3, 15);
    private const string Sid = "a703e098-32b4-4c77-b857-60f5fea5e444";

    private static IAgentOutputReader Reader(AgentCli cli, TokenPrice? price = null) =>
        AgentOutputReaders.For(new WorkerAgentConfig("a", cli, [], [], 1, cli == AgentCli.Custom ? "my-agent" : null, [], price));

    private static (AgentRunResult Result, IAgentOutputReader Reader) Read(AgentCli cli, string stdout, int exit = 0, string stderr = "", TokenPrice? price = null)
    {
        var reader = Reader(cli, price);
        foreach (var line in stdout.Replace("\r\n", "\n").Split('\n')) reader.ReadLine(line);
        return (reader.Finish(exit, stderr, Now), reader);
    }

    private const string ClaudeInit = $$"""{"type":"system","subtype":"init","cwd":"/w","session_id":"{{Sid}}","tools":["Bash"],"model":"claude-opus-5"}""";

    private static string ClaudeAssistant(string id, string text, int input, int output) =>
        $$$"""{"type":"assistant","message":{"id":"{{{id}}}","role":"assistant","content":[{"type":"text","text":"{{{text}}}"}],"usage":{"input_tokens":{{{input}}},"cache_creation_input_tokens":100,"cache_read_input_tokens":1000,"output_tokens":{{{output}}}}},"session_id":"{{{Sid}}}"}""";

    private static string ClaudeResult(string subtype, bool isError, string extra = "") =>
        $$"""{"type":"result","subtype":"{{subtype}}","is_error":{{(isError ? "true" : "false")}},"duration_ms":3952,"num_turns":3,"session_id":"{{Sid}}","total_cost_usd":0.1045,"usage":{"input_tokens":20,"cache_creation_input_tokens":100,"cache_read_input_tokens":1000,"output_tokens":60}{{extra}}}""";

    [Fact]
    public void Claude_SuccessResult_UsageCostSessionAndResultText()
    {
        var (result, _) = Read(AgentCli.Claude, string.Join('\n', ClaudeInit, ClaudeAssistant("m1", "Working", 10, 50),
            ClaudeResult("success", false, ""","result":"All done." """.TrimEnd())));

        Assert.True(result.Success);
        Assert.Equal(new TaskUsage(1120, 60, 0.1045), result.Usage);
        Assert.Equal(Sid, result.NativeSessionId);
        Assert.Equal("All done.", result.FinalMessage);
    }

    [Fact]
    public void Claude_AssistantBlocksOfOneMessage_CountTheirUsageOnce()
    {
        var reader = Reader(AgentCli.Claude, Price);
        reader.ReadLine(ClaudeInit);
        Assert.Null(reader.UsageSoFar);
        reader.ReadLine(ClaudeAssistant("m1", "a", 10, 50));
        reader.ReadLine(ClaudeAssistant("m1", "b", 10, 50));
        reader.ReadLine(ClaudeAssistant("m2", "c", 10, 50));

        Assert.Equal(2220, reader.UsageSoFar!.InputTokens);
        Assert.Equal(100, reader.UsageSoFar.OutputTokens);
        Assert.Equal(Price.CostOf(2220, 100), reader.UsageSoFar.CostUsd!.Value, 12);
    }

    [Fact]
    public void Claude_IsErrorWithSubtypeSuccess_IsAFailure()
    {
        var (result, _) = Read(AgentCli.Claude, string.Join('\n', ClaudeInit,
            ClaudeResult("success", true, ""","result":"API Error: 500 {\"type\":\"error\",\"error\":{\"type\":\"api_error\"}}","terminal_reason":"api_error" """.TrimEnd())), exit: 1);

        Assert.False(result.Success);
        Assert.Equal(RunErrors.AgentError, result.ErrorType);
        Assert.StartsWith("API Error: 500", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0.1045, result.Usage!.CostUsd);
    }

    [Theory]
    [InlineData("error_max_turns", RunErrors.MaxTurns)]
    [InlineData("error_max_budget_usd", RunErrors.MaxCost)]
    [InlineData("error_during_execution", RunErrors.AgentError)]
    public void Claude_ErrorSubtypes_TheirErrorTypes(string subtype, string expected)
    {
        var (result, _) = Read(AgentCli.Claude, string.Join('\n', ClaudeInit, ClaudeResult(subtype, true, ""","errors":["it went wrong"]""")), exit: 1);

        Assert.False(result.Success);
        Assert.Equal(expected, result.ErrorType);
        Assert.Equal("it went wrong", result.ErrorMessage);
    }

    [Fact]
    public void Claude_UsageLimit_RateLimitedAtTheRejectedEventsEpoch()
    {
        var limit = "You've hit your session limit · resets 11pm (Asia/Nicosia)";
        var (result, _) = Read(AgentCli.Claude, string.Join('\n', ClaudeInit,
            """{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1788300000,"rateLimitType":"five_hour","overageStatus":"rejected","isUsingOverage":false}}""",
            $$$"""{"type":"assistant","message":{"id":"x","model":"<synthetic>","content":[{"type":"text","text":"{{{limit}}}"}],"usage":{"input_tokens":0,"output_tokens":0}},"session_id":"{{{Sid}}}","error":"rate_limit","is_api_error_message":true}""",
            ClaudeResult("success", true, $$""","api_error_status":429,"result":"{{limit}}" """.TrimEnd())), exit: 1);

        Assert.Equal(TaskRules.RateLimitedError, result.ErrorType);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1788300000), result.RateLimitResetsAt);
    }

    [Fact]
    public void Claude_UsageLimitTextOnly_ResetFromTheText()
    {
        var (result, _) = Read(AgentCli.Claude, ClaudeResult("success", true, ""","result":"You've hit your session limit · resets 11pm (Asia/Nicosia)" """.TrimEnd()), exit: 1);

        Assert.Equal(TaskRules.RateLimitedError, result.ErrorType);
        Assert.Equal(new DateTimeOffset(2026, 8, 26, 20, 0, 0, TimeSpan.Zero), result.RateLimitResetsAt);
    }

    [Fact]
    public void Claude_Api429WithoutAReset_RateLimitedWithNoReset()
    {
        var (result, _) = Read(AgentCli.Claude, ClaudeResult("success", true, ""","api_error_status":429,"result":"Request rejected" """.TrimEnd()), exit: 1);

        Assert.Equal(TaskRules.RateLimitedError, result.ErrorType);
        Assert.Null(result.RateLimitResetsAt);
    }

    [Fact]
    public void Claude_TruncatedStreamExitNonZero_CrashedWithStreamedUsageAndStderr()
    {
        var (result, _) = Read(AgentCli.Claude, ClaudeInit + "\n" + ClaudeAssistant("m1", "a", 10, 50) + "\n{\"type\":\"assistant\",\"mess", exit: 137, stderr: "Killed\n", price: Price);

        Assert.Equal(RunErrors.Crashed, result.ErrorType);
        Assert.Contains("code 137", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("1 unparseable line", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("stderr: Killed", result.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(1110, result.Usage!.InputTokens);
        Assert.Equal(Sid, result.NativeSessionId);
    }

    [Fact]
    public void Claude_NoResultExitZero_BadOutput()
    {
        var (result, _) = Read(AgentCli.Claude, "Usage: claude [options]\n\n{oops\n[1]");

        Assert.Equal(RunErrors.BadOutput, result.ErrorType);
        Assert.Contains("3 unparseable lines", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Claude_NoResultButUsageLimitOnStderr_RateLimited()
    {
        var (result, _) = Read(AgentCli.Claude, "", exit: 1, stderr: "Claude AI usage limit reached|1788300000\n");

        Assert.Equal(TaskRules.RateLimitedError, result.ErrorType);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1788300000), result.RateLimitResetsAt);
    }

    [Fact]
    public void Claude_HugeGarbageLineAmongRecords_KeptCutAndTheRunStillSucceeds()
    {
        var huge = new string('x', 5_000_000);
        var (result, _) = Read(AgentCli.Claude, string.Join('\n', ClaudeInit, huge, ClaudeResult("success", false, ""","result":"ok" """.TrimEnd())));

        Assert.True(result.Success);
        var (bad, _) = Read(AgentCli.Claude, huge + "\n{" + huge, exit: 1);
        Assert.Equal(RunErrors.Crashed, bad.ErrorType);
        Assert.True(bad.ErrorMessage!.Length < 3000, "the message stays bounded");
    }

    private const string GeminiSuccess = $$"""
        {
          "session_id": "{{Sid}}",
          "response": "The capital of France is Paris.",
          "stats": {
            "models": {
              "gemini-2.5-pro": {
                "api": { "totalRequests": 2, "totalErrors": 0, "totalLatencyMs": 5053 },
                "tokens": { "input": 3676, "prompt": 24939, "candidates": 20, "total": 25113, "cached": 21263, "thoughts": 154, "tool": 0 }
              },
              "gemini-2.5-flash": {
                "api": { "totalRequests": 1, "totalErrors": 0, "totalLatencyMs": 800 },
                "tokens": { "input": 100, "prompt": 100, "candidates": 26, "total": 126, "cached": 0, "thoughts": 0, "tool": 0 }
              }
            },
            "tools": { "totalCalls": 1, "totalSuccess": 1, "totalFail": 0, "totalDurationMs": 1881, "byName": {} },
            "files": { "totalLinesAdded": 0, "totalLinesRemoved": 0 }
          }
        }
        """;

    [Fact]
    public void Gemini_PrettyPrintedObject_TokensOfEveryModelPricedAndTheResponse()
    {
        var (result, reader) = Read(AgentCli.Gemini, "Loaded cached credentials.\n" + GeminiSuccess, price: Price);

        Assert.True(result.Success);
        Assert.Equal(25039, result.Usage!.InputTokens);
        Assert.Equal(200, result.Usage.OutputTokens);
        Assert.Equal(Price.CostOf(25039, 200), result.Usage.CostUsd!.Value, 12);
        Assert.Equal(Sid, result.NativeSessionId);
        Assert.Equal("The capital of France is Paris.", result.FinalMessage);
        Assert.Equal(result.Usage, reader.UsageSoFar);
    }

    [Fact]
    public void Gemini_NoPrice_TokensWithoutCost()
    {
        var (result, _) = Read(AgentCli.Gemini, GeminiSuccess);

        Assert.Null(result.Usage!.CostUsd);
        Assert.Equal(200, result.Usage.OutputTokens);
    }

    private const string GeminiQuotaStderr = """
        {
          "error": {
            "type": "TerminalQuotaError",
            "message": "You have exhausted your capacity on this model. Your quota will reset after 2h52m39s.",
            "code": 1
          }
        }
        """;

    [Fact]
    public void Gemini_QuotaErrorOnStderrExit1_RateLimitedWithTheStatedReset()
    {
        var (result, _) = Read(AgentCli.Gemini, "", exit: 1, stderr: "Loaded cached credentials.\n" + GeminiQuotaStderr);

        Assert.Equal(TaskRules.RateLimitedError, result.ErrorType);
        Assert.Equal(Now + new TimeSpan(2, 52, 39), result.RateLimitResetsAt);
        Assert.Contains("exhausted your capacity", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "Error", "[API Error: got status: INTERNAL]", RunErrors.AgentError)]
    [InlineData(42, "FatalInputError", "No input provided via stdin.", RunErrors.InputError)]
    [InlineData(53, "FatalTurnLimitedError", "Reached max session turns for this session.", RunErrors.MaxTurns)]
    public void Gemini_ExitCodes_TheirErrorTypes(int exit, string type, string message, string expected)
    {
        var stderr = $$$"""{"error": {"type": "{{{type}}}", "message": "{{{message}}}", "code": {{{exit}}}}}""";
        var (result, _) = Read(AgentCli.Gemini, "", exit: exit, stderr: stderr);

        Assert.False(result.Success);
        Assert.Equal(expected, result.ErrorType);
        Assert.Contains(message, result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Gemini_ErrorInTheObjectExitZero_AgentError()
    {
        var (result, _) = Read(AgentCli.Gemini, $$$"""{"session_id": "{{{Sid}}}", "error": {"type": "Error", "message": "boom", "code": 1}}""");

        Assert.Equal(RunErrors.AgentError, result.ErrorType);
        Assert.Equal(Sid, result.NativeSessionId);
    }

    [Fact]
    public void Gemini_TruncatedObject_CrashedOrBadOutputByExitCode()
    {
        var cut = GeminiSuccess[..(GeminiSuccess.Length / 2)];
        Assert.Equal(RunErrors.Crashed, Read(AgentCli.Gemini, cut, exit: 143).Result.ErrorType);
        var (bad, _) = Read(AgentCli.Gemini, "not json\n" + cut);
        Assert.Equal(RunErrors.BadOutput, bad.ErrorType);
        Assert.Contains("unparseable line", bad.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Gemini_StrayObjectWithoutGeminisFields_IsNotTheOutput() =>
        Assert.Equal(RunErrors.BadOutput, Read(AgentCli.Gemini, "{\"hello\": 1}").Result.ErrorType);

    private const string CodexSuccess = """
        {"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}
        {"type":"turn.started"}
        {"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Searching for README files**"}}
        {"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"bash -lc ls","aggregated_output":"","status":"in_progress"}}
        {"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"bash -lc ls","aggregated_output":"README.md\n","exit_code":0,"status":"completed"}}
        {"type":"item.completed","item":{"id":"item_3","type":"agent_message","text":"Yep — there’s a README.md in the repository root."}}
        {"type":"turn.completed","usage":{"input_tokens":24763,"cached_input_tokens":24448,"output_tokens":122}}
        """;

    [Fact]
    public void Codex_TurnCompleted_SuccessWithThreadIdMessageAndPricedUsage()
    {
        var (result, reader) = Read(AgentCli.Codex, CodexSuccess, price: Price);

        Assert.True(result.Success);
        Assert.Equal("0199a213-81c0-7800-8aa1-bbab2a035a53", result.NativeSessionId);
        Assert.Equal("Yep — there’s a README.md in the repository root.", result.FinalMessage);
        Assert.Equal(new TaskUsage(24763, 122, Price.CostOf(24763, 122)), result.Usage);
        Assert.Equal(result.Usage, reader.UsageSoFar);
    }

    [Fact]
    public void Codex_TurnCompletedWithNonZeroExit_StillASuccess() =>
        Assert.True(Read(AgentCli.Codex, CodexSuccess, exit: 1).Result.Success);

    [Fact]
    public void Codex_TurnFailed_AgentErrorWhateverTheExitCode()
    {
        var (result, _) = Read(AgentCli.Codex, """
            {"type":"thread.started","thread_id":"t1"}
            {"type":"turn.started"}
            {"type":"turn.failed","error":{"message":"stream disconnected before completion"}}
            """, exit: 0);

        Assert.Equal(RunErrors.AgentError, result.ErrorType);
        Assert.Equal("stream disconnected before completion", result.ErrorMessage);
        Assert.Equal("t1", result.NativeSessionId);
    }

    [Fact]
    public void Codex_ErrorRecoveredFrom_TheLaterTurnCompletedDecides() =>
        Assert.True(Read(AgentCli.Codex, """
            {"type":"thread.started","thread_id":"t1"}
            {"type":"error","message":"Reconnecting... 1/5"}
            {"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":1}}
            """).Result.Success);

    [Fact]
    public void Codex_UsageLimitError_RateLimitedAtTheStatedTime()
    {
        var message = "You've hit your usage limit. Upgrade to Plus to continue using Codex (https://chatgpt.com/explore/plus), or try again in 3 hours 5 minutes.";
        var (result, _) = Read(AgentCli.Codex, $$$"""
            {"type":"thread.started","thread_id":"t1"}
            {"type":"turn.started"}
            {"type":"error","message":"{{{message}}}"}
            {"type":"turn.failed","error":{"message":"{{{message}}}"}}
            """, exit: 1);

        Assert.Equal(TaskRules.RateLimitedError, result.ErrorType);
        Assert.Equal(Now + new TimeSpan(3, 5, 0), result.RateLimitResetsAt);
    }

    [Fact]
    public void Codex_LimitWithoutReset_RateLimitedWithNoReset()
    {
        var (result, _) = Read(AgentCli.Codex, """{"type":"error","message":"exceeded retry limit, last status: 429 Too Many Requests"}""", exit: 1);

        Assert.Equal(TaskRules.RateLimitedError, result.ErrorType);
        Assert.Null(result.RateLimitResetsAt);
    }

    [Fact]
    public void Codex_TruncatedStream_CrashedOrBadOutput()
    {
        var cut = "{\"type\":\"thread.started\",\"thread_id\":\"t1\"}\n{\"type\":\"turn.started\"}\n{\"type\":\"item.comp";
        var (crashed, _) = Read(AgentCli.Codex, cut, exit: 1, stderr: "thread 'main' panicked");
        Assert.Equal(RunErrors.Crashed, crashed.ErrorType);
        Assert.Contains("panicked", crashed.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("t1", crashed.NativeSessionId);
        Assert.Equal(RunErrors.BadOutput, Read(AgentCli.Codex, "garbage only").Result.ErrorType);
    }

    [Fact]
    public void PlainText_ExitZero_SuccessWithTheLastLines()
    {
        var (result, reader) = Read(AgentCli.Custom, string.Join('\n', Enumerable.Range(1, 30).Select(i => $"line {i}")));

        Assert.True(result.Success);
        Assert.StartsWith("line 11\n", result.FinalMessage, StringComparison.Ordinal);
        Assert.EndsWith("line 30", result.FinalMessage, StringComparison.Ordinal);
        Assert.Null(reader.UsageSoFar);
    }

    [Theory]
    [InlineData(1, RunErrors.AgentError)]
    [InlineData(137, RunErrors.Crashed)]
    public void PlainText_NonZeroExit_AgentErrorOrCrashedBySignal(int exit, string expected)
    {
        var (result, _) = Read(AgentCli.Custom, "working", exit: exit, stderr: "it broke");

        Assert.Equal(expected, result.ErrorType);
        Assert.Equal($"exited with code {exit}: it broke", result.ErrorMessage);
    }

    [Fact]
    public void PlainText_LimitOnStderr_RateLimited() =>
        Assert.Equal(TaskRules.RateLimitedError, Read(AgentCli.Custom, "", exit: 1, stderr: "429 Too Many Requests").Result.ErrorType);
}
