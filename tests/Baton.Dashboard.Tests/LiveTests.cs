using System.Diagnostics;
using System.Globalization;
using Baton.Dashboard.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Baton.Dashboard.Tests;

/// <summary>
/// A page left open updates itself: a heartbeat, a hook event and a task transition written through the API show on
/// it within a second of the write — on SQLite (one server), and across two PostgreSQL replicas on one database (the
/// page served by B, every write through A: the change travels by LISTEN/NOTIFY).
/// </summary>
public sealed class LiveTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(1);

    private readonly BrowserFixture _browser = new();

    [BrowserFact]
    public async Task OpenPages_OnSqlite_ShowAHeartbeatAHookEventAndATaskTransitionWithinASecond()
    {
        await using var server = await DashboardServer.StartAsync();

        await ScenarioAsync(pages: server, writes: server);
    }

    [BrowserPostgresFact]
    public async Task OpenPages_OnReplicaB_ShowWritesThroughReplicaAWithinASecond()
    {
        await using var schema = await TempPostgresSchema.CreateAsync("dash");
        await using var a = await DashboardServer.StartAsync(postgresUrl: schema.Url);
        // B finds A's admin key in the shared store and mints none: A's key is B's too.
        await using var b = await DashboardServer.StartAsync(postgresUrl: schema.Url, adminKey: a.AdminKey);

        await ScenarioAsync(pages: b, writes: a);
    }

    private async Task ScenarioAsync(DashboardServer pages, DashboardServer writes)
    {
        var session = (await writes.PostAsync("/v1/sod", new { agent = "live-dev", venture = "alpha", repo = "alpha-console", branch = "feat/live" }))
            .GetProperty("session");
        var sessionId = session.GetProperty("id").GetString()!;
        var taskId = (await writes.PostAsync("/v1/tasks", new { venture = "alpha", capability = "code", title = "Live task" })).GetProperty("id").GetString()!;

        await using var context = await _browser.NewContextAsync(pages.BaseAddress);
        var now = await context.NewPageAsync();
        var work = await context.NewPageAsync();
        var watchNow = PageWatch.On(now);
        var watchWork = PageWatch.On(work);
        await now.GotoAsync("/");
        await work.GotoAsync("/work");
        var row = now.Locator($"tr[data-id=\"{sessionId}\"]");
        await Expect(row).ToBeVisibleAsync();

        // Each page's stream is open once a first change reaches it: a session started now, with time to connect.
        var warmUp = (await writes.PostAsync("/v1/sod", new { agent = "warm-up", venture = "alpha", repo = "alpha-console", track = "warm" }))
            .GetProperty("session").GetProperty("id").GetString()!;
        await writes.PostAsync("/v1/tasks", new { venture = "alpha", capability = "code", title = "Warm-up task" });
        await Expect(now.Locator($"tr[data-id=\"{warmUp}\"]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Expect(work.Locator("main")).ToContainTextAsync("Warm-up task", new() { Timeout = 15_000 });

        // A heartbeat: the row's heartbeat time moves to it (the markup has whole seconds; the quiet second since the
        // session started puts the heartbeat in a later one).
        await QuietAsync();
        var clock = Stopwatch.StartNew();
        var beat = (await writes.PostAsync($"/v1/sessions/{sessionId}/heartbeat", null)).GetProperty("session");
        var beatAt = DateTimeOffset.Parse(beat.GetProperty("last_heartbeat_at").GetString()!, CultureInfo.InvariantCulture)
            .UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        await Expect(row.Locator($"time[datetime=\"{beatAt}\"]")).ToHaveCountAsync(1, new() { Timeout = Remaining(clock) });
        var heartbeatShown = clock.Elapsed;

        // A hook event: the row says what the session is doing now.
        await QuietAsync();
        var token = "live-" + Guid.NewGuid().ToString("N")[..8];
        clock.Restart();
        await writes.PostAsync("/v1/events", Seed.Events(Seed.HookEvent(sessionId, "PreToolUse", new { tool_name = "Bash", tool_input = new { command = "make " + token } })));
        await Expect(row).ToContainTextAsync(token, new() { Timeout = Remaining(clock) });
        var hookShown = clock.Elapsed;

        // A task transition: the queue's row shows the task's new state.
        await QuietAsync();
        clock.Restart();
        var cancelled = await writes.PostAsync($"/v1/tasks/{taskId}/cancel", new { reason = "no longer needed" });
        var state = (cancelled.TryGetProperty("task", out var t) ? t : cancelled).GetProperty("state").GetString()!;
        await Expect(work.Locator($"tr[data-id=\"{taskId}\"] .status").First).ToHaveTextAsync(state, new() { Timeout = Remaining(clock) });
        var taskShown = clock.Elapsed;

        watchNow.AssertClean("/ (live)");
        watchWork.AssertClean("/work (live)");
        Assert.True(heartbeatShown <= Within && hookShown <= Within && taskShown <= Within,
            $"heartbeat {heartbeatShown.TotalMilliseconds:F0} ms, hook event {hookShown.TotalMilliseconds:F0} ms, task {taskShown.TotalMilliseconds:F0} ms");
    }

    /// <summary>
    /// A tab refreshes its panels at most twice a second (app.js, Throttle: the key's rate limit), so a change right
    /// after another one may wait for that half second. The promise is for a change on a quiet page: each write is
    /// measured from one, by letting the last refresh's interval pass — and, for the heartbeat, the second the markup
    /// shows (a heartbeat in the same whole second as the last would not change the row at all).
    /// </summary>
    private static Task QuietAsync() => Task.Delay(TimeSpan.FromMilliseconds(1100));

    /// <summary>What is left of the second since the write began (the write's own time counts against it).</summary>
    private static float Remaining(Stopwatch clock) => (float)Math.Max(1, (Within - clock.Elapsed).TotalMilliseconds);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _browser.DisposeAsync();
}
