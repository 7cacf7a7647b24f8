using Baton.Cli.Hooks;
using Baton.Core.Activity;

namespace Baton.Cli.Tests.Hooks;

/// <summary>The sender over the real SQLite outbox and an in-memory service: in order, in batches, exactly once.</summary>
public sealed class HookSenderTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new("baton-sender-");
    private readonly FakeActivityService _service = new();
    private readonly ManualClock _clock = new(Now);

    public void Dispose() => _dir.Dispose();

    private HookOutbox Outbox() => HookOutbox.Open(_dir.Path);

    private static HookEventInput Event(int i, string name = "PreToolUse") =>
        new($"evt_{i:D5}", HookCli.Claude, name, Now.AddSeconds(i), "c-1", "/work/alpha", Payload: new() { ["n"] = i });

    private void Append(HookOutbox outbox, int count, string name = "PreToolUse")
    {
        var start = (int)outbox.Count() + (int)outbox.DeadCount() + _service.Stored.Count;
        for (var i = 0; i < count; i++) outbox.Append(Event(start + i, name), Now);
    }

    [Fact]
    public async Task Send_ServerDownThenUp_EveryEventStoredExactlyOnceInOrder()
    {
        using var outbox = Outbox();
        Append(outbox, 5);
        _service.Down = true;

        var down = await HookSender.SendAsync(outbox, _service, _clock, CancellationToken.None);
        Append(outbox, 5);
        _service.Down = false;
        var up = await HookSender.SendAsync(outbox, _service, _clock, CancellationToken.None);

        Assert.Equal((0, 5L), (down.Sent, down.Left));
        Assert.Contains("Connection refused", down.Problem);
        Assert.Equal((10, 0, 0L), (up.Sent, up.Duplicates, up.Left));
        Assert.Null(up.Problem);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"evt_{i:D5}"), _service.Stored.Select(e => e.Id));
        Assert.Equal(0, outbox.Count());
    }

    [Fact]
    public async Task Send_AnswerLostAfterTheServerStored_ResendIsADuplicateAndStoredOnce()
    {
        using var outbox = Outbox();
        Append(outbox, 3);
        _service.LoseNextAnswer = true;

        var lost = await HookSender.SendAsync(outbox, _service, _clock, CancellationToken.None);
        var again = await HookSender.SendAsync(outbox, _service, _clock, CancellationToken.None);

        Assert.Equal(3L, lost.Left);
        Assert.Equal((0, 3, 0L), (again.Sent, again.Duplicates, again.Left));
        Assert.Equal(3, _service.Stored.Count);
        Assert.Equal(0, outbox.Count());
    }

    [Fact]
    public async Task Send_MoreThanABatch_SendsInBatchesOldestFirst()
    {
        using var outbox = Outbox();
        Append(outbox, 25);

        var outcome = await HookSender.SendAsync(outbox, _service, _clock, CancellationToken.None, batchSize: 10);

        Assert.Equal([10, 10, 5], _service.Batches);
        Assert.Equal(25, outcome.Sent);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"evt_{i:D5}"), _service.Stored.Select(e => e.Id));
    }

    [Fact]
    public async Task Send_AnEventTheServiceRefuses_GoesToTheDeadRowsAndTheRestIsSent()
    {
        using var outbox = Outbox();
        Append(outbox, 2);
        Append(outbox, 1, "Broken");
        Append(outbox, 2);
        _service.RefuseEvent = "Broken";

        var outcome = await HookSender.SendAsync(outbox, _service, _clock, CancellationToken.None);

        Assert.Equal((4, 1, 0L), (outcome.Sent, outcome.Dead, outcome.Left));
        Assert.Equal(["evt_00000", "evt_00001", "evt_00003", "evt_00004"], _service.Stored.Select(e => e.Id));
        Assert.Equal(1, outbox.DeadCount());
    }

    [Fact]
    public async Task Flush_AnotherSenderHoldsTheLock_SendsNothing()
    {
        using (var outbox = Outbox()) Append(outbox, 1);
        using var held = HookFlush.TryLock(_dir.Path);

        var outcome = await HookFlush.RunAsync(_dir.Path, _ => Task.FromResult<(IActivityService?, IAsyncDisposable)>((_service, new Nothing())), _clock, linger: false, CancellationToken.None);

        Assert.Null(outcome);
        Assert.Empty(_service.Stored);
    }

    [Fact]
    public async Task Flush_ServiceDown_PausesHooksAndKeepsTheEvents()
    {
        using (var outbox = Outbox()) Append(outbox, 2);
        _service.Down = true;

        var outcome = await HookFlush.RunAsync(_dir.Path, _ => Task.FromResult<(IActivityService?, IAsyncDisposable)>((_service, new Nothing())), _clock, linger: false, CancellationToken.None);

        Assert.Equal(2L, outcome!.Left);
        var backoff = Path.Combine(_dir.Path, HookFlush.BackoffFileName);
        Assert.Equal((Now + HookFlush.Backoff).UtcDateTime, File.GetLastWriteTimeUtc(backoff));
    }

    [Fact]
    public async Task Flush_ServiceBackAfterAPause_SendsAndLiftsThePause()
    {
        using (var outbox = Outbox()) Append(outbox, 2);
        _service.Down = true;
        await HookFlush.RunAsync(_dir.Path, _ => Task.FromResult<(IActivityService?, IAsyncDisposable)>((_service, new Nothing())), _clock, linger: false, CancellationToken.None);
        _service.Down = false;

        var outcome = await HookFlush.RunAsync(_dir.Path, _ => Task.FromResult<(IActivityService?, IAsyncDisposable)>((_service, new Nothing())), _clock, linger: false, CancellationToken.None);

        Assert.Equal((2, 0L), (outcome!.Sent, outcome.Left));
        Assert.False(File.Exists(Path.Combine(_dir.Path, HookFlush.BackoffFileName)));
    }

    [Fact]
    public async Task Flush_NoActivityServiceInThisMode_PausesHooksAndKeepsTheEvents()
    {
        using (var outbox = Outbox()) Append(outbox, 1);

        var outcome = await HookFlush.RunAsync(_dir.Path, _ => Task.FromResult<(IActivityService?, IAsyncDisposable)>((null, new Nothing())), _clock, linger: false, CancellationToken.None);

        Assert.Equal(1L, outcome!.Left);
        Assert.NotNull(outcome.Problem);
        Assert.Equal((Now + HookFlush.Backoff).UtcDateTime, File.GetLastWriteTimeUtc(Path.Combine(_dir.Path, HookFlush.BackoffFileName)));
    }

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static string TranscriptLine(string id, long input, long output) =>
        "{\"type\":\"assistant\",\"message\":{\"id\":\"" + id + "\",\"role\":\"assistant\",\"usage\":{\"input_tokens\":" + input +
        ",\"cache_creation_input_tokens\":3,\"cache_read_input_tokens\":40,\"output_tokens\":" + output + "}}}";

    [Fact]
    public async Task Send_ClaudeStopAndSessionEndAsTheHookCapturedThem_GoWithTheTranscriptsCumulativeUsage()
    {
        var transcript = Path.Combine(_dir.Path, "claude-session.jsonl");
        File.WriteAllLines(transcript, [TranscriptLine("msg_1", 10, 5), TranscriptLine("msg_1", 10, 5), TranscriptLine("msg_2", 20, 7)]);
        var huge = Path.Combine(_dir.Path, "huge.jsonl");
        File.WriteAllLines(huge, [TranscriptLine("msg_1", 600_000_000_000, 1), TranscriptLine("msg_2", 600_000_000_000, 1)]);
        string Stdin(string name, string path) =>
            $$"""{"session_id":"c-1","transcript_path":"{{path.Replace("\\", "\\\\")}}","cwd":"/work/alpha","hook_event_name":"{{name}}"}""";
        // As the hook appends them: the call as it came, unparsed; the sender reads the transcript, the hook never does.
        HookOutbox.AppendOnce(_dir.Path, new HookCapture("evt_00001", HookCli.Claude, [], Stdin("PostToolUse", transcript)), Now);
        HookOutbox.AppendOnce(_dir.Path, new HookCapture("evt_00002", HookCli.Claude, [], Stdin("Stop", transcript)), Now);
        HookOutbox.AppendOnce(_dir.Path, new HookCapture("evt_00003", HookCli.Claude, [], Stdin("Stop", Path.Combine(_dir.Path, "gone.jsonl"))), Now);
        HookOutbox.AppendOnce(_dir.Path, new HookCapture("evt_00004", HookCli.Claude, [], Stdin("Stop", huge)), Now);
        HookOutbox.AppendOnce(_dir.Path, new HookCapture("evt_00005", HookCli.Claude, [], Stdin("SessionEnd", transcript)), Now);
        using var outbox = Outbox();

        var sent = await HookSender.SendAsync(outbox, _service, _clock, CancellationToken.None);

        Assert.Equal((5, 0L), (sent.Sent, sent.Left));
        // A missing transcript, and usage beyond what the service takes, send the event without usage: never lose it.
        Assert.Equal([null, new HookUsage(30, 12, 80, 6), null, null, new HookUsage(30, 12, 80, 6)], _service.Stored.Select(e => e.Usage));
    }
}
