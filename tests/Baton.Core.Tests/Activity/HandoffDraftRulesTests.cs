using System.Text.Json.Nodes;
using Baton.Core.Activity;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;

namespace Baton.Core.Tests.Activity;

public class HandoffDraftRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly IdGenerator Ids = new(new ManualClock(T0));

    private static JsonObject Payload(string json) => JsonNode.Parse(json)!.AsObject();

    private static HookEvent Event(HookEventKind kind, DateTimeOffset at, string? path = null, string? command = null, string? message = null,
        string name = "PostToolUse") =>
        new(Ids.New(IdGenerator.Event), "sess_x", "alpha", "claude-a", HookCli.Claude, "native", name, kind, null, null, null, at, at, path, command, message);

    private static Session Session() => Some.Session("alpha", T0, agent: "claude-a", repo: "example-org/alpha-console");

    [Theory]
    [InlineData(HookEventKind.Compaction, "PreCompact", HandoffDraft.Compaction)]
    [InlineData(HookEventKind.Compaction, "precompress", HandoffDraft.Compaction)]
    [InlineData(HookEventKind.SessionEnd, "SessionEnd", HandoffDraft.SessionEnd)]
    [InlineData(HookEventKind.Compaction, "PostCompact", null)]
    [InlineData(HookEventKind.TurnEnd, "Stop", null)]
    public void TriggerOf_TheEventsBeforeCompactionAndAtSessionEnd_DraftAHandoff(HookEventKind kind, string name, HandoffDraft? expected) =>
        Assert.Equal(expected, HandoffDraftRules.TriggerOf(kind, name));

    [Fact]
    public void Build_FromASessionsEvents_ListsFilesNewestFirstOnceCommandsAndTheLastMessageUpToTheTrigger()
    {
        var events = new[]
        {
            Event(HookEventKind.Tool, T0.AddMinutes(1), path: "src/a.cs"),
            Event(HookEventKind.Tool, T0.AddMinutes(2), command: "make test"),
            Event(HookEventKind.Tool, T0.AddMinutes(3), path: "src/b.cs"),
            Event(HookEventKind.Tool, T0.AddMinutes(4), path: "src/a.cs"),
            Event(HookEventKind.TurnEnd, T0.AddMinutes(5), message: "Tests pass; next is the docs.", name: "Stop"),
        };
        var trigger = Event(HookEventKind.Compaction, T0.AddMinutes(6), name: "PreCompact");
        var later = Event(HookEventKind.Tool, T0.AddMinutes(7), path: "src/after.cs");

        var draft = HandoffDraftRules.Build(Session(), [later, trigger, .. events], HandoffDraft.Compaction, trigger.Id, git: null);

        Assert.Equal(["touched src/a.cs", "touched src/b.cs"], draft.InProgress);
        Assert.Equal(HandoffStatus.InProgress, draft.Status);
        Assert.Contains("Drafted by Baton before the CLI compacted its context, from 6 hook events", draft.Summary);
        Assert.Contains("2 files touched, 1 command run.", draft.Summary);
        Assert.EndsWith("Last assistant message: Tests pass; next is the docs.", draft.Summary);
        Assert.Equal("""["make test"]""", draft.Payload["commands_run"]!.ToJsonString());
        Assert.Equal("compaction", (string?)draft.Payload["drafted_by"]);
        Assert.DoesNotContain("src/after.cs", draft.Payload.ToJsonString());
    }

    [Fact]
    public void Build_ForAnAbandonedSession_KeepsOnlyCommitsSinceItStartedAndTheDiffStat()
    {
        var git = HandoffDraftRules.CleanGit(new RepoGitState("feature/x",
        [
            new GitCommitInput("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", T0.AddMinutes(30), "Add the retry"),
            new GitCommitInput("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", T0.AddMinutes(-30), "Before the session"),
            new GitCommitInput("not-a-sha", T0.AddMinutes(40), "dropped"),
        ], " src/a.cs | 3 ++-\n 1 file changed, 2 insertions(+), 1 deletion(-)\n"));

        var draft = HandoffDraftRules.Build(Session(), [Event(HookEventKind.Tool, T0.AddMinutes(5), path: "src/a.cs")], HandoffDraft.Abandoned, null, git);

        Assert.Equal(["commit bbbbbbbbbbbb Add the retry"], draft.Accomplished);
        Assert.Equal(["touched src/a.cs", "uncommitted: src/a.cs | 3 ++-; 1 file changed, 2 insertions(+), 1 deletion(-)"], draft.InProgress);
        Assert.Contains("Synthesized by Baton for an abandoned session (stale, no EOD)", draft.Summary);
        Assert.Contains("Git: 1 commit since the session started on feature/x, uncommitted changes.", draft.Summary);
        Assert.Equal("feature/x", (string?)draft.Payload["git"]!["branch"]);
    }

    [Fact]
    public void CleanGit_ACommitSubjectHoldingASecret_IsWithheld()
    {
        var git = HandoffDraftRules.CleanGit(new RepoGitState(null,
            [new GitCommitInput("cccccccccccccccccccccccccccccccccccccccc", T0, "use ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 for CI")], null));

        Assert.Equal("[withheld: looks like a GitHub token]", Assert.Single(git!.Commits).Subject);
    }

    [Fact]
    public void FilePathCommandAndMessage_AreKeptBoundedAndSecretScanned()
    {
        var tool = Payload("""{"tool_name":"Bash","tool_input":{"command":"API_TOKEN=sk-live-0123456789abcdefghijklmnop make deploy\nsecond line","file_path":"src/x.cs"}}""");
        var stop = Payload($$"""{"last_assistant_message":"{{new string('a', 2_000)}}"}""");

        Assert.Equal("src/x.cs", HookEventRules.FilePathOf(HookEventKind.Tool, tool));
        Assert.StartsWith("[withheld: looks like a", HookEventRules.CommandOf(HookEventKind.Tool, tool));
        Assert.Null(HookEventRules.CommandOf(HookEventKind.Prompt, tool));
        Assert.Equal(HookEventRules.MaxMessageChars, HookEventRules.MessageOf(HookEventKind.TurnEnd, "Stop", stop)!.Length);
        Assert.Null(HookEventRules.MessageOf(HookEventKind.Prompt, "UserPromptSubmit", Payload("""{"prompt":"secret plans"}""")));
    }
}
