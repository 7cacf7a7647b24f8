using System.Text.Json.Nodes;
using Baton.Core.Activity;

namespace Baton.Core.Tests.Activity;

/// <summary>
/// The hook payloads of Claude Code, Gemini CLI and Codex, as their documentation describes them (one fixture per
/// event), each with a field no version has yet: every one becomes an event with its name, native session and cwd,
/// and keeps the unknown field.
/// </summary>
public sealed class HookPayloadsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private const string Claude = """ "session_id":"c-1","transcript_path":"/home/u/.claude/projects/p/c-1.jsonl","cwd":"/work/alpha","permission_mode":"default","future_field":{"x":1} """;
    private const string Gemini = """ "session_id":"g-1","transcript_path":"/home/u/.gemini/tmp/h/chats/g-1.json","cwd":"/work/alpha","timestamp":"2026-12-01T11:59:58.250Z","future_field":{"x":1} """;
    private const string Codex = """ "session_id":"x-1","transcript_path":null,"cwd":"/work/alpha","model":"gpt-5-codex","permission_mode":"default","future_field":{"x":1} """;

    public static TheoryData<HookCli, string, string> Fixtures() => new()
    {
        // Claude Code
        { HookCli.Claude, "SessionStart", """ "source":"startup","model":"claude-opus" """ },
        { HookCli.Claude, "UserPromptSubmit", """ "prompt":"fix the build","prompt_id":"p-1" """ },
        { HookCli.Claude, "PreToolUse", """ "tool_name":"Bash","tool_input":{"command":"dotnet test","description":"run tests","timeout":120000,"run_in_background":false},"tool_use_id":"t-1" """ },
        { HookCli.Claude, "PermissionRequest", """ "tool_name":"Bash","tool_input":{"command":"rm -rf bin"} """ },
        { HookCli.Claude, "PostToolUse", """ "tool_name":"Edit","tool_input":{"file_path":"/work/alpha/a.cs","old_string":"a","new_string":"b","replace_all":false},"tool_response":{"success":true},"duration_ms":12 """ },
        { HookCli.Claude, "PostToolUseFailure", """ "tool_name":"Bash","tool_input":{"command":"make"},"error":"exit 2","duration_ms":40 """ },
        { HookCli.Claude, "Notification", """ "message":"Claude needs your permission to use Bash","title":"Permission","notification_type":"permission_prompt" """ },
        { HookCli.Claude, "Stop", """ "stop_hook_active":false,"last_assistant_message":"Done. Shall I push?" """ },
        { HookCli.Claude, "StopFailure", """ "error":"rate_limit" """ },
        { HookCli.Claude, "SubagentStart", """ "agent_id":"a-1","agent_type":"Explore" """ },
        { HookCli.Claude, "SubagentStop", """ "stop_hook_active":false,"agent_id":"a-1","agent_transcript_path":"/t/a-1.jsonl" """ },
        { HookCli.Claude, "PreCompact", """ "trigger":"auto","custom_instructions":"" """ },
        { HookCli.Claude, "PostCompact", """ "trigger":"auto" """ },
        { HookCli.Claude, "SessionEnd", """ "reason":"prompt_input_exit" """ },
        // Gemini CLI
        { HookCli.Gemini, "SessionStart", """ "source":"startup" """ },
        { HookCli.Gemini, "SessionEnd", """ "reason":"exit" """ },
        { HookCli.Gemini, "BeforeAgent", """ "prompt":"fix the build" """ },
        { HookCli.Gemini, "AfterAgent", """ "prompt":"fix the build","prompt_response":"Done.","stop_hook_active":false """ },
        { HookCli.Gemini, "BeforeModel", """ "llm_request":{"model":"gemini-2.5-pro"} """ },
        { HookCli.Gemini, "AfterModel", """ "llm_response":{"text":"chunk"} """ },
        { HookCli.Gemini, "BeforeToolSelection", """ "llm_request":{"tools":["run_shell_command"]} """ },
        { HookCli.Gemini, "BeforeTool", """ "tool_name":"run_shell_command","tool_input":{"command":"npm test"},"mcp_context":null,"original_request_name":"run_shell_command" """ },
        { HookCli.Gemini, "AfterTool", """ "tool_name":"write_file","tool_input":{"file_path":"a.ts","content":"x"},"tool_response":{"llmContent":"ok"} """ },
        { HookCli.Gemini, "PreCompress", """ "trigger":"auto" """ },
        { HookCli.Gemini, "Notification", """ "notification_type":"ToolPermission","message":"Allow run_shell_command?","details":{"command":"npm i"} """ },
        // Codex hooks
        { HookCli.Codex, "SessionStart", """ "source":"startup" """ },
        { HookCli.Codex, "UserPromptSubmit", """ "turn_id":"turn-1","prompt":"fix it" """ },
        { HookCli.Codex, "PreToolUse", """ "turn_id":"turn-1","tool_name":"Bash","tool_input":{"command":"cargo test"},"tool_use_id":"call-1" """ },
        { HookCli.Codex, "PermissionRequest", """ "turn_id":"turn-1","tool_name":"Bash","tool_input":{"command":"git push"} """ },
        { HookCli.Codex, "PostToolUse", """ "turn_id":"turn-1","tool_name":"apply_patch","tool_input":{"patch":"*** Begin Patch"},"tool_response":"ok" """ },
        { HookCli.Codex, "PreCompact", """ "turn_id":"turn-1","trigger":"auto" """ },
        { HookCli.Codex, "PostCompact", """ "turn_id":"turn-1","trigger":"auto" """ },
        { HookCli.Codex, "SubagentStart", """ "turn_id":"turn-1","agent_id":"s-1" """ },
        { HookCli.Codex, "SubagentStop", """ "turn_id":"turn-1","agent_id":"s-1" """ },
        { HookCli.Codex, "Stop", """ "turn_id":"turn-1","stop_hook_active":false,"last_assistant_message":"All green." """ },
        { HookCli.Codex, "StopFailure", """ "turn_id":"turn-1","error":"stream closed" """ },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Parse_EveryDocumentedEvent_NamesItsEventSessionAndCwdAndKeepsUnknownFields(HookCli cli, string eventName, string fields)
    {
        var common = cli switch { HookCli.Claude => Claude, HookCli.Gemini => Gemini, _ => Codex };
        var stdin = $$"""{ {{common}}, "hook_event_name":"{{eventName}}", {{fields}} }""";

        var parsed = HookPayloads.Parse(cli, [], stdin, Now, "evt_1");

        Assert.Equal("evt_1", parsed.Id);
        Assert.Equal(cli, parsed.Cli);
        Assert.Equal(eventName, parsed.Event);
        Assert.Equal(cli switch { HookCli.Claude => "c-1", HookCli.Gemini => "g-1", _ => "x-1" }, parsed.NativeSessionId);
        Assert.Equal("/work/alpha", parsed.Cwd);
        Assert.Equal(1, parsed.Payload!["future_field"]!["x"]!.GetValue<int>());
        Assert.Null(parsed.Payload[HookPayloads.ParseProblemField]);
        // Every documented field survives as sent.
        var sent = JsonNode.Parse(stdin)!.AsObject();
        Assert.True(JsonNode.DeepEquals(sent, parsed.Payload), parsed.Payload.ToJsonString());
        Assert.Equal(cli == HookCli.Gemini ? new DateTimeOffset(2026, 12, 1, 11, 59, 58, 250, TimeSpan.Zero) : Now, parsed.OccurredAt);
    }

    [Fact]
    public void Parse_CodexNotifyAsTheLastArgument_ReadsItsKebabCaseFields()
    {
        const string notify = """{"type":"agent-turn-complete","thread-id":"th-9","turn-id":"turn-3","cwd":"/work/alpha","client":"codex-tui","input-messages":["fix it"],"last-assistant-message":"Fixed.","future-field":true}""";

        var parsed = HookPayloads.Parse(HookCli.Codex, [notify], stdin: null, Now, "evt_2");

        Assert.Equal("agent-turn-complete", parsed.Event);
        Assert.Equal("th-9", parsed.NativeSessionId);
        Assert.Equal("/work/alpha", parsed.Cwd);
        Assert.Equal("Fixed.", parsed.Payload!["last-assistant-message"]!.GetValue<string>());
        Assert.True(parsed.Payload["future-field"]!.GetValue<bool>());
    }

    [Fact]
    public void Parse_EventArgumentWithoutPayload_IsTheEvent()
    {
        var parsed = HookPayloads.Parse(HookCli.Claude, ["Stop"], stdin: "", Now, "evt_3");

        Assert.Equal("Stop", parsed.Event);
        Assert.Empty(parsed.Payload!);
        Assert.Null(parsed.NativeSessionId);
    }

    [Fact]
    public void Parse_PayloadNamesTheEvent_WinsOverTheArgument()
    {
        var parsed = HookPayloads.Parse(HookCli.Claude, ["Stop"], """{"hook_event_name":"SubagentStop"}""", Now, "evt_4");

        Assert.Equal("SubagentStop", parsed.Event);
    }

    [Fact]
    public void Parse_TruncatedJson_KeepsEveryMemberReadBeforeTheCut()
    {
        const string cut = """{"session_id":"c-1","cwd":"/work/alpha","hook_event_name":"PreToolUse","tool_input":{"command":"ls"},"tool_name":"Ba""";

        var parsed = HookPayloads.Parse(HookCli.Claude, [], cut, Now, "evt_5");

        Assert.Equal("PreToolUse", parsed.Event);
        Assert.Equal("c-1", parsed.NativeSessionId);
        Assert.Equal("/work/alpha", parsed.Cwd);
        Assert.Equal("ls", parsed.Payload!["tool_input"]!["command"]!.GetValue<string>());
        Assert.Null(parsed.Payload["tool_name"]);
        Assert.StartsWith("not valid JSON", parsed.Payload[HookPayloads.ParseProblemField]!.GetValue<string>());
        Assert.Equal(cut, parsed.Payload[HookPayloads.RawTextField]!.GetValue<string>());
    }

    [Fact]
    public void Parse_TruncatedInsideANestedObject_KeepsTheMembersBeforeIt()
    {
        var parsed = HookPayloads.Parse(HookCli.Gemini, ["BeforeTool"], """{"session_id":"g-1","tool_input":{"command":"np""", Now, "evt_6");

        Assert.Equal("BeforeTool", parsed.Event);
        Assert.Equal("g-1", parsed.NativeSessionId);
        Assert.Null(parsed.Payload!["tool_input"]);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("\"a string\"")]
    [InlineData("{\"a\":")]
    public void Parse_GarbageOrNotAnObject_IsStillAnEventWithTheText(string text)
    {
        var parsed = HookPayloads.Parse(HookCli.Claude, ["Notification"], text, Now, "evt_7");

        Assert.Equal("Notification", parsed.Event);
        Assert.Equal(Now, parsed.OccurredAt);
        Assert.NotNull(parsed.Payload![HookPayloads.ParseProblemField]);
        Assert.Equal(text, parsed.Payload[HookPayloads.RawTextField]!.GetValue<string>());
    }

    [Fact]
    public void Parse_NothingAtAll_IsAnUnknownEvent()
    {
        var parsed = HookPayloads.Parse(HookCli.Codex, [], null, Now, "evt_8");

        Assert.Equal("unknown", parsed.Event);
        Assert.Equal(HookCli.Codex, parsed.Cli);
    }

    [Fact]
    public void Parse_LongWriteContent_IsCutToTheBoundWithHowMuchWasCut()
    {
        var content = new string('x', 100_000);
        var stdin = new JsonObject
        {
            ["hook_event_name"] = "PreToolUse",
            ["tool_name"] = "Write",
            ["tool_input"] = new JsonObject { ["file_path"] = "/work/a.txt", ["content"] = content },
        }.ToJsonString();

        var parsed = HookPayloads.Parse(HookCli.Claude, [], stdin, Now, "evt_9");

        var kept = parsed.Payload!["tool_input"]!["content"]!.GetValue<string>();
        Assert.StartsWith(new string('x', HookPayloads.MaxStringChars), kept);
        Assert.EndsWith($"…[{100_000 - HookPayloads.MaxStringChars} chars cut]", kept);
        Assert.Equal("/work/a.txt", parsed.Payload["tool_input"]!["file_path"]!.GetValue<string>());
    }

    [Fact]
    public void Cut_AtASurrogatePair_NeverSplitsIt()
    {
        var text = new string('a', HookPayloads.MaxStringChars - 1) + "😀" + "tail";

        var cut = HookPayloads.Cut(text);

        Assert.StartsWith(new string('a', HookPayloads.MaxStringChars - 1) + "…", cut);
    }

    [Fact]
    public void Parse_LongArraysAndDeepNesting_AreBounded()
    {
        var items = new JsonArray(Enumerable.Range(0, 500).Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
        JsonNode deep = JsonValue.Create("bottom")!;
        for (var i = 0; i < 20; i++) deep = new JsonObject { ["d"] = deep };
        var stdin = new JsonObject { ["hook_event_name"] = "AfterTool", ["items"] = items, ["deep"] = deep }.ToJsonString();

        var parsed = HookPayloads.Parse(HookCli.Gemini, [], stdin, Now, "evt_10");

        var kept = parsed.Payload!["items"]!.AsArray();
        Assert.Equal(HookPayloads.MaxArrayItems + 1, kept.Count);
        Assert.Equal("[450 more items cut]", kept[^1]!.GetValue<string>());
        Assert.DoesNotContain("bottom", parsed.Payload.ToJsonString());
    }

    [Fact]
    public void HookEventJson_WriteThenRead_IsTheSameEvent()
    {
        var original = HookPayloads.Parse(HookCli.Gemini, [], """{"session_id":"g-1","cwd":"/w","hook_event_name":"BeforeTool","timestamp":"2026-12-01T11:59:58.250Z","tool_input":{"command":"Räsonieren 😀"}}""", Now, "evt_11")
            with { SessionId = "sess_1", Agent = "gemini-box", Venture = "alpha", Repo = "example-org/alpha-console" };

        var read = HookEventJson.Read(HookEventJson.Write(original));

        Assert.Equal(original with { Payload = null }, read with { Payload = null });
        Assert.True(JsonNode.DeepEquals(original.Payload, read.Payload));
    }

    [Theory]
    [InlineData("claude", HookCli.Claude)]
    [InlineData("Gemini", HookCli.Gemini)]
    [InlineData(" codex ", HookCli.Codex)]
    [InlineData("cursor", null)]
    [InlineData(null, null)]
    public void CliOrNull_Names_TheThreeClis(string? name, HookCli? expected) => Assert.Equal(expected, HookPayloads.CliOrNull(name));
}
