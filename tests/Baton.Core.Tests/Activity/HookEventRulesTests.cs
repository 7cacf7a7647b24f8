using System.Text.Json.Nodes;
using Baton.Core.Activity;
using Baton.Core.Common;

namespace Baton.Core.Tests.Activity;

public class HookEventRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(HookFixtures.All), MemberType = typeof(HookFixtures))]
    public void ClassifyAndSummarize_EveryDocumentedEventOfEveryCli_GivesItsKindAndSummary(HookCli cli, string eventName, string json, HookEventKind kind, string? summary)
    {
        var payload = HookFixtures.Parse(json);

        var classified = HookEventRules.Classify(cli, eventName, payload);

        Assert.Equal(kind, classified);
        Assert.Equal(summary, HookEventRules.Summarize(cli, eventName, classified, payload));
    }

    [Theory]
    [InlineData("pretooluse")]
    [InlineData("PRETOOLUSE")]
    public void Classify_EventNamesInAnotherCase_AreTheSameEvent(string name) =>
        Assert.Equal(HookEventKind.Tool, HookEventRules.Classify(HookCli.Claude, name, null));

    [Fact]
    public void Classify_AnEventNoCliDocuments_IsOther() =>
        Assert.Equal(HookEventKind.Other, HookEventRules.Classify(HookCli.Gemini, "SomethingNew", new JsonObject { ["a"] = 1 }));

    [Fact]
    public void Classify_AnotherCliesEventName_IsOther() =>
        Assert.Equal(HookEventKind.Other, HookEventRules.Classify(HookCli.Gemini, "PreToolUse", null));

    [Fact]
    public void Summarize_WhenFieldsHaveUnexpectedJsonTypes_IgnoresThemInsteadOfFailing()
    {
        var payload = new JsonObject { ["tool_name"] = 7, ["tool_input"] = "not an object", ["message"] = new JsonArray(1, 2) };

        Assert.Equal(HookEventKind.Tool, HookEventRules.Classify(HookCli.Claude, "PreToolUse", payload));
        Assert.Null(HookEventRules.Summarize(HookCli.Claude, "PreToolUse", HookEventKind.Tool, payload));
        Assert.Null(HookEventRules.ToolOf(payload));
    }

    [Fact]
    public void Summarize_AnEventWithoutPayload_IsNull() =>
        Assert.Null(HookEventRules.Summarize(HookCli.Codex, "Stop", HookEventKind.TurnEnd, null));

    [Theory]
    [InlineData("GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 gh release create v1", "GitHub token")]
    [InlineData("curl -H 'Authorization: token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789' https://api.github.com", "GitHub token")]
    [InlineData("STRIPE_API_KEY=sk9Fq2LmXw8Rt4Zp1Vb7Nc3Hd6Yg0Ka5 make deploy", "high-entropy value assigned to STRIPE_API_KEY")]
    public void Summarize_ACommandCarryingASecret_KeepsOnlyTheToolAndTheKindOfSecret(string command, string kind)
    {
        var payload = new JsonObject { ["tool_name"] = "Bash", ["tool_input"] = new JsonObject { ["command"] = command } };

        var summary = HookEventRules.Summarize(HookCli.Claude, "PreToolUse", HookEventKind.Tool, payload);

        Assert.Equal($"Bash: [withheld: looks like a {kind}]", summary);
    }

    [Fact]
    public void Summarize_ASecretPastTheCut_IsStillFound()
    {
        var command = "echo " + new string('a', 400) + " ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
        var payload = new JsonObject { ["tool_name"] = "Bash", ["tool_input"] = new JsonObject { ["command"] = command } };

        var summary = HookEventRules.Summarize(HookCli.Claude, "PreToolUse", HookEventKind.Tool, payload);

        Assert.Equal("Bash: [withheld: looks like a GitHub token]", summary);
    }

    [Fact]
    public void Summarize_ALongMessage_IsCutTo300CharactersAtATextElementBoundary()
    {
        // 150 family emoji (each one text element of several UTF-16 units): a cut inside one would leave half a character.
        var message = string.Concat(Enumerable.Repeat("👨‍👩‍👧", 150));
        var payload = new JsonObject { ["message"] = message, ["notification_type"] = "idle_prompt" };

        var summary = HookEventRules.Summarize(HookCli.Claude, "Notification", HookEventKind.Waiting, payload)!;

        Assert.True(summary.Length <= HookEventRules.MaxSummaryChars, $"{summary.Length} characters");
        Assert.EndsWith("…", summary);
        Assert.StartsWith(summary[..^1], message, StringComparison.Ordinal);
        Assert.Equal(0, summary[..^1].Length % "👨‍👩‍👧".Length);
    }

    [Fact]
    public void Summarize_ControlCharactersAndLineBreaks_BecomeOneCleanLine()
    {
        var payload = new JsonObject { ["message"] = "Allow\u001b]0;pwn\u0007 this?\r\nnow" };

        var summary = HookEventRules.Summarize(HookCli.Gemini, "Notification", HookEventKind.Waiting, payload);

        Assert.Equal("Allow]0;pwn this? now", summary);
    }

    [Theory]
    [InlineData("Should I go on?", true)]
    [InlineData("Shall I push?**", true)]
    [InlineData("Is this right？", true)]
    [InlineData("Was it the cache? It was. Fixed.", false)]
    [InlineData("Which one?\n\nI picked the first.", false)]
    [InlineData("", false)]
    public void AsksHuman_JudgesTheLastLineWithText(string message, bool asks) =>
        Assert.Equal(asks, HookEventRules.AsksHuman(message));

    [Theory]
    [InlineData(HookCli.Claude, "Notification", """{"notification_type":"permission_prompt"}""", "permission_prompt")]
    [InlineData(HookCli.Claude, "PermissionRequest", """{"tool_name":"Bash"}""", "PermissionRequest")]
    [InlineData(HookCli.Gemini, "AfterAgent", """{"prompt_response":"Ok?"}""", HookEventRules.QuestionReason)]
    [InlineData(HookCli.Codex, "agent-turn-complete", """{"last-assistant-message":"Ok?"}""", HookEventRules.QuestionReason)]
    public void WaitingReason_IsTheNotificationTypeElseQuestionElseTheEventName(HookCli cli, string name, string json, string reason) =>
        Assert.Equal(reason, HookEventRules.WaitingReason(cli, name, HookFixtures.Parse(json)));

    [Theory]
    [InlineData(HookEventKind.Waiting, "set")]
    [InlineData(HookEventKind.Prompt, "clear")]
    [InlineData(HookEventKind.Tool, "clear")]
    [InlineData(HookEventKind.SessionEnd, "clear")]
    [InlineData(HookEventKind.TurnEnd, "none")]
    [InlineData(HookEventKind.Compaction, "none")]
    [InlineData(HookEventKind.SessionStart, "none")]
    [InlineData(HookEventKind.Other, "none")]
    public void WaitingAfter_WaitsSetPromptsToolsAndEndsClearTheRestKeep(HookEventKind kind, string expected)
    {
        var change = HookEventRules.WaitingAfter(kind, "idle_prompt", "waiting", T0);

        Assert.Equal(expected, change switch
        {
            WaitingChange.Set set when set == new WaitingChange.Set("idle_prompt", "waiting", T0) => "set",
            WaitingChange.Clear clear when clear.At == T0 => "clear",
            WaitingChange.None => "none",
            _ => "unexpected",
        });
    }

    [Fact]
    public void Validate_NamesEveryBadFieldOfTheEventByItsPath()
    {
        var v = new Validator();

        HookEventRules.Validate(v, "events[3]", new HookEventInput("evt-1", null, " ", null, SessionId: "nope", Venture: "Not A Code", Agent: "bad\u202Eagent"));
        var error = Assert.Throws<BatonException>(v.ThrowIfAny);

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(
            ["events[3].agent", "events[3].cli", "events[3].event", "events[3].id", "events[3].occurred_at", "events[3].session_id", "events[3].venture"],
            error.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_AWellFormedEventWithUnknownPayloadFields_HasNoProblem()
    {
        var v = new Validator();
        var ids = new IdGenerator(TimeProvider.System);

        HookEventRules.Validate(v, "events[0]", new HookEventInput(ids.New(IdGenerator.Event), HookCli.Claude, "PreToolUse", T0,
            Payload: new JsonObject { ["anything"] = new JsonObject { ["deep"] = true } }));

        Assert.False(v.HasErrors);
    }

    [Fact]
    public void Validate_UsageBeyondItsBounds_NamesEachCountByItsPath()
    {
        var v = new Validator();
        var ids = new IdGenerator(TimeProvider.System);

        HookEventRules.Validate(v, "events[1]", new HookEventInput(ids.New(IdGenerator.Event), HookCli.Claude, "Stop", T0,
            Usage: new HookUsage(null, -1, 1_000_000_000_001, -5)));
        var error = Assert.Throws<BatonException>(v.ThrowIfAny);

        Assert.Equal(
            ["events[1].usage.cache_creation_tokens", "events[1].usage.cache_read_tokens", "events[1].usage.input_tokens", "events[1].usage.output_tokens"],
            error.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_UsageAtItsBoundsWithoutCacheCounts_HasNoProblem()
    {
        var v = new Validator();
        var ids = new IdGenerator(TimeProvider.System);

        HookEventRules.Validate(v, "events[0]", new HookEventInput(ids.New(IdGenerator.Event), HookCli.Claude, "Stop", T0,
            Usage: new HookUsage(0, 1_000_000_000_000)));

        Assert.False(v.HasErrors);
    }
}
