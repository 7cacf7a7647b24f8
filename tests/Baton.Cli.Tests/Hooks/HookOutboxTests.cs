using System.Diagnostics;
using System.Text.Json.Nodes;
using Baton.Cli.Hooks;
using Baton.Core.Activity;

namespace Baton.Cli.Tests.Hooks;

/// <summary>The outbox under concurrent appends and under processes killed while they write.</summary>
public sealed class HookOutboxTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new("baton-outbox-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Append_ManyWritersAtOnce_KeepsEveryEventOnceInAppendOrderPerWriter()
    {
        const int Writers = 6, Each = 50;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            // Each writer has its own connection, as each hook process does.
            using var outbox = HookOutbox.Open(_dir.Path);
            for (var i = 0; i < Each; i++)
                outbox.Append(new HookEventInput($"evt_{w}_{i:D3}", HookCli.Claude, "PreToolUse", Now, Payload: new() { ["w"] = w, ["i"] = i }), Now);
        })));

        using var check = HookOutbox.Open(_dir.Path);
        var rows = check.Oldest(Writers * Each + 1);
        Assert.Equal(Writers * Each, rows.Count);
        Assert.Equal(Writers * Each, rows.Select(r => r.Id).Distinct().Count());
        for (var w = 0; w < Writers; w++)
            Assert.Equal(Enumerable.Range(0, Each).Select(i => $"evt_{w}_{i:D3}"), rows.Where(r => r.Id.StartsWith($"evt_{w}_", StringComparison.Ordinal)).Select(r => r.Id));
        Assert.Equal("ok", check.IntegrityCheck());
    }

    [Fact]
    public void Append_SameIdTwice_KeepsOneRow()
    {
        using var outbox = HookOutbox.Open(_dir.Path);
        var hookEvent = new HookEventInput("evt_same", HookCli.Gemini, "BeforeTool", Now);

        outbox.Append(hookEvent, Now);
        outbox.Append(hookEvent, Now);

        Assert.Equal(1, outbox.Count());
    }

    [Fact]
    public async Task HookProcessesKilledMidWrite_LeaveAnOutboxThatOpensWithEveryCommittedRowIntact()
    {
        const int Children = 10, Members = 1_500;
        var random = new Random(15);
        var finished = new List<int>();
        for (var child = 0; child < Children; child++)
        {
            // A large payload (every member at the string bound) makes the append long enough to be killed inside it.
            var payload = new JsonObject { ["hook_event_name"] = "PreToolUse", ["marker"] = child };
            for (var m = 0; m < Members; m++) payload[$"f{m}"] = Filler(child, m);
            var start = BatonProcess.StartInfo(_dir.Path, new Dictionary<string, string>
            {
                ["BATON_DATA_DIR"] = _dir.Path, [HookCommand.FlushVariable] = "off", ["HOME"] = _dir.Path,
            }, ["hook", "claude"]);
            using var process = System.Diagnostics.Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var writing = Task.Run(async () =>
            {
                try
                {
                    await process.StandardInput.WriteAsync(payload.ToJsonString());
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // Killed before it read everything: the pipe is gone.
                }
            });
            using var timeout = new CancellationTokenSource(TestTimeouts.Default);
            var exited = process.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(exited, Task.Delay(random.Next(50, 900), timeout.Token)) != exited)
            {
                try { process.Kill(); } catch (InvalidOperationException) { /* it finished first */ }
            }
            await process.WaitForExitAsync(timeout.Token);
            await writing;
            await stdout;
            await stderr;
            if (process.ExitCode == 0) finished.Add(child);
        }

        using var outbox = HookOutbox.Open(_dir.Path);
        Assert.Equal("ok", outbox.IntegrityCheck());
        var rows = outbox.Oldest(Children + 1);
        Assert.Equal(0, outbox.DeadCount());
        Assert.Equal(outbox.Count(), rows.Count);
        foreach (var row in rows)
        {
            var child = row.Event.Payload!["marker"]!.GetValue<int>();
            for (var m = 0; m < Members; m++) Assert.Equal(Filler(child, m), row.Event.Payload[$"f{m}"]!.GetValue<string>());
        }
        // Every hook that ran to its exit committed its row.
        Assert.Subset(rows.Select(r => r.Event.Payload!["marker"]!.GetValue<int>()).ToHashSet(), finished.ToHashSet());
    }

    private static string Filler(int child, int member) => $"{child}:{member}:" + new string((char)('a' + member % 26), HookPayloads.MaxStringChars - 12);
}
