using System.Text.Json.Nodes;
using Baton.Core.Activity;

namespace Baton.Core.Tests.Activity;

/// <summary>
/// Hook payloads of the three agent CLIs as their documentation gives them (summarised in the project's notes on
/// agent CLIs: Claude Code's hooks reference, Gemini CLI's docs/hooks/reference.md, Codex's legacy_notify.rs and hook
/// schemas). Every one carries a field no CLI documents (<c>x_future_field</c>), because the next release will add some.
/// </summary>
public static class HookFixtures
{
    private const string ClaudeCommon =
        "\"session_id\":\"3f1c9a2e-claude\",\"transcript_path\":\"/home/dev/.claude/projects/alpha/3f1c9a2e.jsonl\",\"cwd\":\"/work/alpha\"," +
        "\"permission_mode\":\"default\",\"prompt_id\":\"p-1\",\"effort\":\"high\",\"x_future_field\":{\"nested\":[1,2]}";

    private const string GeminiCommon =
        "\"session_id\":\"gem-77\",\"transcript_path\":\"/home/dev/.gemini/tmp/abc/chats/gem-77.json\",\"cwd\":\"/work/alpha\"," +
        "\"timestamp\":\"2026-03-01T09:00:00.000Z\",\"x_future_field\":true";

    private const string CodexCommon =
        "\"session_id\":\"019a-codex\",\"transcript_path\":null,\"cwd\":\"/work/alpha\",\"model\":\"gpt-5-codex\"," +
        "\"permission_mode\":\"default\",\"turn_id\":\"t-3\",\"x_future_field\":42";

    /// <summary>(cli, event name, payload, expected kind, expected summary or null).</summary>
    public static TheoryData<HookCli, string, string, HookEventKind, string?> All => new()
    {
        // ---- Claude Code ----
        { HookCli.Claude, "SessionStart", "{" + ClaudeCommon + ""","hook_event_name":"SessionStart","source":"startup","model":"claude-opus-4"}""", HookEventKind.SessionStart, "startup · claude-opus-4" },
        { HookCli.Claude, "UserPromptSubmit", "{" + ClaudeCommon + ""","hook_event_name":"UserPromptSubmit","prompt":"deploy with TOKEN=abc"}""", HookEventKind.Prompt, null },
        { HookCli.Claude, "UserPromptExpansion", "{" + ClaudeCommon + ""","hook_event_name":"UserPromptExpansion","prompt":"/review"}""", HookEventKind.Prompt, null },
        { HookCli.Claude, "PreToolUse", "{" + ClaudeCommon + ""","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"make test\nmake lint","description":"Run tests","timeout":120000,"run_in_background":false},"tool_use_id":"toolu_1"}""", HookEventKind.Tool, "Bash: make test" },
        { HookCli.Claude, "PreToolUse", "{" + ClaudeCommon + ""","hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"file_path":"/work/alpha/src/a.cs","content":"class A {}"},"tool_use_id":"toolu_2"}""", HookEventKind.Tool, "Write: /work/alpha/src/a.cs" },
        { HookCli.Claude, "PreToolUse", "{" + ClaudeCommon + ""","hook_event_name":"PreToolUse","tool_name":"Grep","tool_input":{"pattern":"TODO","path":"/work/alpha"}}""", HookEventKind.Tool, "Grep: /work/alpha · TODO" },
        { HookCli.Claude, "PreToolUse", "{" + ClaudeCommon + ""","hook_event_name":"PreToolUse","tool_name":"WebFetch","tool_input":{"url":"https://example.com/docs","prompt":"summarise"}}""", HookEventKind.Tool, "WebFetch: https://example.com/docs" },
        { HookCli.Claude, "PermissionRequest", "{" + ClaudeCommon + ""","hook_event_name":"PermissionRequest","tool_name":"Bash","tool_input":{"command":"rm -rf build"}}""", HookEventKind.Waiting, "Bash: rm -rf build" },
        { HookCli.Claude, "PostToolUse", "{" + ClaudeCommon + ""","hook_event_name":"PostToolUse","tool_name":"Edit","tool_input":{"file_path":"/work/alpha/README.md","old_string":"a","new_string":"b","replace_all":false},"tool_response":{"success":true},"duration_ms":12}""", HookEventKind.Tool, "Edit: /work/alpha/README.md" },
        { HookCli.Claude, "PostToolUseFailure", "{" + ClaudeCommon + ""","hook_event_name":"PostToolUseFailure","tool_name":"Bash","tool_input":{"command":"false"},"error":"exit 1","duration_ms":3}""", HookEventKind.Tool, "Bash: false" },
        { HookCli.Claude, "PostToolBatch", "{" + ClaudeCommon + ""","hook_event_name":"PostToolBatch"}""", HookEventKind.Tool, null },
        { HookCli.Claude, "Notification", "{" + ClaudeCommon + ""","hook_event_name":"Notification","message":"Claude needs your permission to use Bash","title":"Claude Code","notification_type":"permission_prompt"}""", HookEventKind.Waiting, "Claude needs your permission to use Bash" },
        { HookCli.Claude, "Notification", "{" + ClaudeCommon + ""","hook_event_name":"Notification","message":"Claude is waiting for your input","notification_type":"idle_prompt"}""", HookEventKind.Waiting, "Claude is waiting for your input" },
        { HookCli.Claude, "Notification", "{" + ClaudeCommon + ""","hook_event_name":"Notification","message":"An MCP server asks for input","notification_type":"elicitation_dialog"}""", HookEventKind.Waiting, "An MCP server asks for input" },
        { HookCli.Claude, "Notification", "{" + ClaudeCommon + ""","hook_event_name":"Notification","message":"Claude needs your permission"}""", HookEventKind.Waiting, "Claude needs your permission" },
        { HookCli.Claude, "Notification", "{" + ClaudeCommon + ""","hook_event_name":"Notification","message":"Another agent needs input","notification_type":"agent_needs_input"}""", HookEventKind.Other, "Another agent needs input" },
        { HookCli.Claude, "Notification", "{" + ClaudeCommon + ""","hook_event_name":"Notification","message":"Signed in","notification_type":"auth_success"}""", HookEventKind.Other, "Signed in" },
        { HookCli.Claude, "Elicitation", "{" + ClaudeCommon + ""","hook_event_name":"Elicitation","message":"Which environment?"}""", HookEventKind.Waiting, "Which environment?" },
        { HookCli.Claude, "ElicitationResult", "{" + ClaudeCommon + ""","hook_event_name":"ElicitationResult"}""", HookEventKind.Prompt, null },
        { HookCli.Claude, "Stop", "{" + ClaudeCommon + ""","hook_event_name":"Stop","stop_hook_active":false,"last_assistant_message":"All tests pass.\nThe branch is pushed."}""", HookEventKind.TurnEnd, "The branch is pushed." },
        { HookCli.Claude, "Stop", "{" + ClaudeCommon + ""","hook_event_name":"Stop","stop_hook_active":false,"last_assistant_message":"I found two options.\n\nShould I migrate the table now or wait for the release?"}""", HookEventKind.Waiting, "Should I migrate the table now or wait for the release?" },
        { HookCli.Claude, "StopFailure", "{" + ClaudeCommon + ""","hook_event_name":"StopFailure","last_assistant_message":"Retry?","error":"rate_limit"}""", HookEventKind.TurnEnd, "Retry?" },
        { HookCli.Claude, "SubagentStart", "{" + ClaudeCommon + ""","hook_event_name":"SubagentStart","agent_id":"a1","agent_type":"explore"}""", HookEventKind.Other, null },
        { HookCli.Claude, "SubagentStop", "{" + ClaudeCommon + ""","hook_event_name":"SubagentStop","agent_id":"a1","agent_transcript_path":"/tmp/a1.jsonl","stop_hook_active":false}""", HookEventKind.Other, null },
        { HookCli.Claude, "TaskCreated", "{" + ClaudeCommon + ""","hook_event_name":"TaskCreated"}""", HookEventKind.Other, null },
        { HookCli.Claude, "TaskCompleted", "{" + ClaudeCommon + ""","hook_event_name":"TaskCompleted"}""", HookEventKind.Other, null },
        { HookCli.Claude, "TeammateIdle", "{" + ClaudeCommon + ""","hook_event_name":"TeammateIdle"}""", HookEventKind.Other, null },
        { HookCli.Claude, "PreCompact", "{" + ClaudeCommon + ""","hook_event_name":"PreCompact","trigger":"auto","custom_instructions":""}""", HookEventKind.Compaction, "auto" },
        { HookCli.Claude, "PostCompact", "{" + ClaudeCommon + ""","hook_event_name":"PostCompact","trigger":"manual"}""", HookEventKind.Compaction, "manual" },
        { HookCli.Claude, "SessionEnd", "{" + ClaudeCommon + ""","hook_event_name":"SessionEnd","reason":"prompt_input_exit"}""", HookEventKind.SessionEnd, "prompt_input_exit" },
        { HookCli.Claude, "Setup", "{" + ClaudeCommon + ""","hook_event_name":"Setup"}""", HookEventKind.Other, null },
        { HookCli.Claude, "ConfigChange", "{" + ClaudeCommon + ""","hook_event_name":"ConfigChange"}""", HookEventKind.Other, null },
        { HookCli.Claude, "WorktreeCreate", "{" + ClaudeCommon + ""","hook_event_name":"WorktreeCreate"}""", HookEventKind.Other, null },
        { HookCli.Claude, "WorktreeRemove", "{" + ClaudeCommon + ""","hook_event_name":"WorktreeRemove"}""", HookEventKind.Other, null },

        // ---- Gemini CLI ----
        { HookCli.Gemini, "SessionStart", "{" + GeminiCommon + ""","hook_event_name":"SessionStart","source":"resume"}""", HookEventKind.SessionStart, "resume" },
        { HookCli.Gemini, "SessionEnd", "{" + GeminiCommon + ""","hook_event_name":"SessionEnd","reason":"exit"}""", HookEventKind.SessionEnd, "exit" },
        { HookCli.Gemini, "BeforeAgent", "{" + GeminiCommon + ""","hook_event_name":"BeforeAgent","prompt":"fix the build"}""", HookEventKind.Prompt, null },
        { HookCli.Gemini, "AfterAgent", "{" + GeminiCommon + ""","hook_event_name":"AfterAgent","prompt":"fix the build","prompt_response":"Fixed the import.","stop_hook_active":false}""", HookEventKind.TurnEnd, "Fixed the import." },
        { HookCli.Gemini, "AfterAgent", "{" + GeminiCommon + ""","hook_event_name":"AfterAgent","prompt":"fix","prompt_response":"Which branch should I push to?"}""", HookEventKind.Waiting, "Which branch should I push to?" },
        { HookCli.Gemini, "BeforeModel", "{" + GeminiCommon + ""","hook_event_name":"BeforeModel","llm_request":{}}""", HookEventKind.Other, null },
        { HookCli.Gemini, "AfterModel", "{" + GeminiCommon + ""","hook_event_name":"AfterModel","llm_response":{}}""", HookEventKind.Other, null },
        { HookCli.Gemini, "BeforeToolSelection", "{" + GeminiCommon + ""","hook_event_name":"BeforeToolSelection"}""", HookEventKind.Other, null },
        { HookCli.Gemini, "BeforeTool", "{" + GeminiCommon + ""","hook_event_name":"BeforeTool","tool_name":"run_shell_command","tool_input":{"command":"npm test"},"mcp_context":null,"original_request_name":"run_shell_command"}""", HookEventKind.Tool, "run_shell_command: npm test" },
        { HookCli.Gemini, "AfterTool", "{" + GeminiCommon + ""","hook_event_name":"AfterTool","tool_name":"read_file","tool_input":{"absolute_path":"/work/alpha/package.json"},"tool_response":{"llmContent":"{}"}}""", HookEventKind.Tool, "read_file: /work/alpha/package.json" },
        { HookCli.Gemini, "PreCompress", "{" + GeminiCommon + ""","hook_event_name":"PreCompress","trigger":"auto"}""", HookEventKind.Compaction, "auto" },
        { HookCli.Gemini, "Notification", "{" + GeminiCommon + ""","hook_event_name":"Notification","notification_type":"ToolPermission","message":"Allow run_shell_command?","details":{"command":"rm -rf dist"}}""", HookEventKind.Waiting, "Allow run_shell_command?" },

        // ---- Codex: the legacy notify (kebab-case, as the last argument) ----
        { HookCli.Codex, "agent-turn-complete", """{"type":"agent-turn-complete","thread-id":"019a-codex","turn-id":"t-3","cwd":"/work/alpha","client":"codex-tui","input-messages":["run the tests"],"last-assistant-message":"Tests pass.","x_future_field":"x"}""", HookEventKind.TurnEnd, "Tests pass." },
        { HookCli.Codex, "agent-turn-complete", """{"type":"agent-turn-complete","thread-id":"019a-codex","turn-id":"t-4","cwd":"/work/alpha","input-messages":[],"last-assistant-message":"Do you want me to open a PR?"}""", HookEventKind.Waiting, "Do you want me to open a PR?" },
        { HookCli.Codex, "agent-turn-complete", """{"type":"agent-turn-complete","thread-id":"019a-codex","turn-id":"t-5","cwd":"/work/alpha"}""", HookEventKind.TurnEnd, null },

        // ---- Codex: hooks (snake_case, on stdin) ----
        { HookCli.Codex, "SessionStart", "{" + CodexCommon + ""","hook_event_name":"SessionStart","source":"startup"}""", HookEventKind.SessionStart, "startup · gpt-5-codex" },
        { HookCli.Codex, "UserPromptSubmit", "{" + CodexCommon + ""","hook_event_name":"UserPromptSubmit","prompt":"add a test"}""", HookEventKind.Prompt, null },
        { HookCli.Codex, "PreToolUse", "{" + CodexCommon + ""","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"cargo test"},"tool_use_id":"call_1"}""", HookEventKind.Tool, "Bash: cargo test" },
        { HookCli.Codex, "PermissionRequest", "{" + CodexCommon + ""","hook_event_name":"PermissionRequest","tool_name":"apply_patch","tool_input":{"command":"*** Begin Patch\n*** Update File: src/main.rs"}}""", HookEventKind.Waiting, "apply_patch: *** Begin Patch" },
        { HookCli.Codex, "PostToolUse", "{" + CodexCommon + ""","hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"cargo fmt"},"tool_response":"ok"}""", HookEventKind.Tool, "Bash: cargo fmt" },
        { HookCli.Codex, "PreCompact", "{" + CodexCommon + ""","hook_event_name":"PreCompact","trigger":"auto"}""", HookEventKind.Compaction, "auto" },
        { HookCli.Codex, "PostCompact", "{" + CodexCommon + ""","hook_event_name":"PostCompact"}""", HookEventKind.Compaction, null },
        { HookCli.Codex, "SubagentStart", "{" + CodexCommon + ""","hook_event_name":"SubagentStart"}""", HookEventKind.Other, null },
        { HookCli.Codex, "SubagentStop", "{" + CodexCommon + ""","hook_event_name":"SubagentStop"}""", HookEventKind.Other, null },
        { HookCli.Codex, "Stop", "{" + CodexCommon + ""","hook_event_name":"Stop","stop_hook_active":false,"last_assistant_message":"Done: 3 files changed."}""", HookEventKind.TurnEnd, "Done: 3 files changed." },
        { HookCli.Codex, "StopFailure", "{" + CodexCommon + ""","hook_event_name":"StopFailure"}""", HookEventKind.TurnEnd, null },
    };

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
