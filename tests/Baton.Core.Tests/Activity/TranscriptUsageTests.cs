using System.Text;
using System.Text.Json.Nodes;
using Baton.Core.Activity;
using Baton.Local.Transcripts;

namespace Baton.Core.Tests.Activity;

/// <summary>
/// A Claude Code transcript's usage (docs/architecture.md §15 Spend). The entries have the shape Claude Code writes
/// (one JSON object per line; an assistant entry's <c>message</c> is the API message with its <c>id</c> and
/// <c>usage</c>; one message repeated once per content block, a streamed one first with fewer output tokens).
/// </summary>
public sealed class TranscriptUsageTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static string Assistant(string? messageId, long input, long output, long cacheRead = 0, long cacheCreation = 0, string block = "text") =>
        new JsonObject
        {
            ["parentUuid"] = Guid.NewGuid().ToString(),
            ["isSidechain"] = false,
            ["type"] = "assistant",
            ["uuid"] = Guid.NewGuid().ToString(),
            ["timestamp"] = "2026-03-01T09:00:00.000Z",
            ["requestId"] = "req_011" + messageId,
            ["message"] = new JsonObject
            {
                ["id"] = messageId,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = "claude-sonnet-4-5",
                ["content"] = new JsonArray(new JsonObject { ["type"] = block }),
                ["usage"] = new JsonObject
                {
                    ["input_tokens"] = input,
                    ["cache_creation_input_tokens"] = cacheCreation,
                    ["cache_read_input_tokens"] = cacheRead,
                    ["output_tokens"] = output,
                    ["service_tier"] = "standard",
                },
            },
        }.ToJsonString();

    private const string UserLine = """{"type":"user","message":{"role":"user","content":"make the tests pass"},"uuid":"u1"}""";

    [Fact]
    public void FromClaudeLines_OneMessageInSeveralEntries_CountsItOnceWithTheHighestCounts()
    {
        string[] lines =
        [
            UserLine,
            // A streamed message: first seen with 5 output tokens, then whole with 90, then once more per tool use.
            Assistant("msg_1", 2, 5, cacheRead: 45_958, cacheCreation: 300, block: "thinking"),
            Assistant("msg_1", 2, 90, cacheRead: 45_958, cacheCreation: 300, block: "text"),
            Assistant("msg_1", 2, 90, cacheRead: 45_958, cacheCreation: 300, block: "tool_use"),
            """{"type":"user","message":{"role":"user","content":[{"type":"tool_result","content":"ok"}]}}""",
            Assistant("msg_2", 3, 211, cacheRead: 61_608),
            Assistant("msg_2", 3, 211, cacheRead: 61_608, block: "tool_use"),
        ];

        var usage = TranscriptUsage.FromClaudeLines(lines);

        Assert.Equal(new HookUsage(5, 301, 107_566, 300), usage);
    }

    [Fact]
    public void FromClaudeLines_ATruncatedLastLineAndLinesThatAreNotEntries_AreSkipped()
    {
        var whole = Assistant("msg_1", 10, 20);
        string[] lines =
        [
            "not json at all \"usage\"",
            """{"type":"summary","summary":"Fix the build","leafUuid":"x"}""",
            """{"type":"assistant","message":{"id":"msg_9","usage":{"input_tokens":"many","output_tokens":true}}}""",
            whole,
            // The CLI was writing this one when the sender read the file.
            Assistant("msg_2", 1_000, 1_000)[..60],
        ];

        var usage = TranscriptUsage.FromClaudeLines(lines);

        Assert.Equal(new HookUsage(10, 20, 0, 0), usage);
    }

    [Fact]
    public void FromClaudeLines_EntriesWithoutAMessageId_CountEachOnItsOwn()
    {
        var usage = TranscriptUsage.FromClaudeLines([Assistant(null, 1, 2), Assistant(null, 1, 2), Assistant("msg_1", 10, 10)]);

        Assert.Equal(new HookUsage(12, 14, 0, 0), usage);
    }

    [Fact]
    public void FromClaudeLines_NoEntryWithUsage_IsNull()
    {
        Assert.Null(TranscriptUsage.FromClaudeLines([UserLine, "", "{\"usage\": 3}"]));
    }

    [Theory]
    [InlineData(HookCli.Claude, "Stop", true)]
    [InlineData(HookCli.Claude, "sessionend", true)]
    [InlineData(HookCli.Claude, "PostToolUse", false)]
    [InlineData(HookCli.Gemini, "SessionEnd", false)]
    [InlineData(HookCli.Codex, "Stop", false)]
    public void TranscriptToRead_OnlyAClaudeTurnOrSessionEnd_NamesItsTranscript(HookCli cli, string eventName, bool read)
    {
        var payload = new JsonObject { ["session_id"] = "abc", ["transcript_path"] = "/home/dev/.claude/projects/-work-alpha/abc.jsonl" };
        var e = new HookEventInput("evt_1", cli, eventName, DateTimeOffset.UnixEpoch, Payload: payload);

        Assert.Equal(read ? "/home/dev/.claude/projects/-work-alpha/abc.jsonl" : null, TranscriptUsage.TranscriptToRead(e));
        // An event that already carries usage, or names no transcript, is sent as it is.
        Assert.Null(TranscriptUsage.TranscriptToRead(e with { Usage = new HookUsage(1, 1) }));
        Assert.Null(TranscriptUsage.TranscriptToRead(e with { Payload = new JsonObject { ["transcript_path"] = 3 } }));
    }

    [Fact]
    public void ReadClaudeUsage_AMissingFileARelativePathOrAnotherKindOfFile_IsNull()
    {
        var other = Path.Combine(_directory.Path, "notes.txt");
        File.WriteAllText(other, Assistant("msg_1", 1, 1));

        Assert.Null(TranscriptReader.ReadClaudeUsage(Path.Combine(_directory.Path, "gone.jsonl")));
        Assert.Null(TranscriptReader.ReadClaudeUsage("relative/abc.jsonl"));
        Assert.Null(TranscriptReader.ReadClaudeUsage(other));
        Assert.Null(TranscriptReader.ReadClaudeUsage(null));
        Assert.Null(TranscriptReader.ReadClaudeUsage(_directory.Path + "/"));
    }

    [Fact]
    public void ReadClaudeUsage_ATranscriptTheCliIsStillWriting_CountsItsWholeLines()
    {
        var path = Path.Combine(_directory.Path, "abc.jsonl");
        var whole = Assistant("msg_1", 7, 8, cacheRead: 9, cacheCreation: 10);
        File.WriteAllText(path, UserLine + "\n" + whole + "\n" + Assistant("msg_2", 500, 500)[..40]);
        // The CLI holds it open for writing.
        using var writer = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);

        Assert.Equal(new HookUsage(7, 8, 9, 10), TranscriptReader.ReadClaudeUsage(path));
    }

    [Fact]
    public void ReadTail_AFileLargerThanTheCap_ReadsOnlyTheWholeLinesOfItsEnd()
    {
        var path = Path.Combine(_directory.Path, "big.jsonl");
        var first = Assistant("msg_1", 1_000, 1_000);
        var second = Assistant("msg_2", 1, 2);
        var third = Assistant("msg_3", 3, 4);
        File.WriteAllText(path, first + "\n" + second + "\n" + third + "\n", new UTF8Encoding(false));

        // From inside the second line: only the third is whole.
        var insideSecond = TranscriptReader.ReadTail(path, third.Length + 1 + 10);
        // Exactly at the start of the second line: the second and the third.
        var atSecond = TranscriptReader.ReadTail(path, second.Length + 1 + third.Length + 1);

        Assert.Equal([third], insideSecond);
        Assert.Equal([second, third], atSecond);
        Assert.Equal(new HookUsage(4, 6, 0, 0), TranscriptReader.ReadClaudeUsage(path, second.Length + 1 + third.Length + 1));
    }

    public void Dispose() => _directory.Dispose();
}
