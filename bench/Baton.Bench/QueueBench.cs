using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Core.Common;

namespace Baton.Bench;

/// <summary>
/// The orchestrator's queue over HTTP (issue 14), against the same server as the other figures.
/// <list type="bullet">
/// <item>Throughput: W simulated workers (8, then 32), one agent each (max_concurrency 1), each looping long poll →
/// start → complete, while producers keep 2 × W tasks outstanding: completed tasks per second. In the same run and
/// with the same number of clients, session heartbeats per second; the ratio completions ÷ heartbeats is the figure
/// that travels between machines (a completion costs four calls — add, next, start, complete — and a dispatch pass).</item>
/// <item>Latency when an agent is idle: one agent's worker waits in its long poll; the bench adds one task at a time
/// and times add → assigned (the long poll answers it) and add → started (the start is answered).</item>
/// </list>
/// </summary>
public static class QueueBench
{
    private const string Venture = "v00";
    private const int LatencySamples = 300;

    public static async Task<IReadOnlyList<Figure>> RunAsync(HttpClient http, int seconds)
    {
        var figures = new List<Figure>();
        var duration = TimeSpan.FromSeconds(seconds);

        // Warm-up: JIT, connection pool, the dispatcher's first passes.
        await RunThroughputAsync(http, 8, TimeSpan.FromSeconds(2), "warm");

        foreach (var workers in new[] { 8, 32 })
        {
            var heartbeats = await HeartbeatsAsync(http, workers, duration);
            var queue = await RunThroughputAsync(http, workers, duration, $"w{workers}");
            var ratio = queue.PerSecond / heartbeats;
            figures.Add(new($"Queue: completed tasks/s ({workers} workers)",
                $"{queue.PerSecond:N0} tasks/s (add → done p50 {queue.Cycle.Percentile(50):F1} ms, p99 {queue.Cycle.Percentile(99):F1} ms; {queue.Completed:N0} done)"));
            figures.Add(new($"Queue: heartbeats/s ({workers} clients, same run)", $"{heartbeats:N0} req/s"));
            figures.Add(new($"Queue: completions ÷ heartbeats ({workers})", $"{ratio:F2}", "≥ 0.3", ratio >= 0.3));
        }

        var (assigned, started) = await IdleLatencyAsync(http, LatencySamples);
        figures.Add(new("Queue: add → assigned p50 (agent idle)", $"{assigned.Percentile(50):F2} ms"));
        figures.Add(new("Queue: add → assigned p99 (agent idle)", $"{assigned.Percentile(99):F2} ms", "≤ 50 ms", assigned.Percentile(99) <= 50));
        figures.Add(new("Queue: add → started p50 (agent idle)", $"{started.Percentile(50):F2} ms"));
        figures.Add(new("Queue: add → started p99 (agent idle)", $"{started.Percentile(99):F2} ms"));
        return figures;
    }

    private sealed record Throughput(double PerSecond, long Completed, Samples Cycle);

    /// <summary>W workers and the producers feeding them, for <paramref name="duration"/>; a capability of its own so no other run's tasks interfere.</summary>
    private static async Task<Throughput> RunThroughputAsync(HttpClient http, int workers, TimeSpan duration, string tag)
    {
        var capability = $"bench-{tag}";
        var agents = new string[workers];
        for (var i = 0; i < workers; i++) agents[i] = await RegisterAsync(http, $"bench-{tag}-{i}", capability);

        var added = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var cycle = new Samples();
        long completed = 0, outstanding = 0;
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();

        // Producers: keep 2 × W tasks added and not yet done, so no worker waits for work.
        var producers = Enumerable.Range(0, Math.Max(2, workers / 4)).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (Interlocked.Read(ref outstanding) >= 2 * workers)
                {
                    await Task.Delay(1);
                    continue;
                }
                Interlocked.Increment(ref outstanding);
                var at = Stopwatch.GetTimestamp();
                var task = await PostAsync(http, "/v1/tasks", new { venture = Venture, capability, title = "bench task" });
                added[task["id"]!.GetValue<string>()] = at;
            }
        })).ToList();

        var loops = agents.Select(agent => Task.Run(async () =>
        {
            while (watch.Elapsed < duration)
            {
                var next = await PostAsync(http, $"/v1/agents/{agent}/next", new { wait_seconds = 5 });
                if (next["task"] is not JsonObject task) continue;
                var id = task["id"]!.GetValue<string>();
                var epoch = task["epoch"]!.GetValue<long>();
                await PostAsync(http, $"/v1/tasks/{id}/start", new { epoch });
                await PostAsync(http, $"/v1/tasks/{id}/complete", new { epoch, result = new { ok = true }, duration_ms = 1 });
                if (added.TryRemove(id, out var at)) cycle.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                Interlocked.Increment(ref completed);
                Interlocked.Decrement(ref outstanding);
            }
        })).ToList();

        await Task.WhenAll(loops);
        var elapsed = watch.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(producers);
        return new Throughput(completed / elapsed.TotalSeconds, completed, cycle);
    }

    /// <summary>Session heartbeats per second from <paramref name="clients"/> closed-loop clients, as the foundation figure measures them.</summary>
    private static async Task<double> HeartbeatsAsync(HttpClient http, int clients, TimeSpan duration)
    {
        var sessions = new string[clients];
        for (var i = 0; i < clients; i++)
            sessions[i] = (await PostAsync(http, "/v1/sod", new { agent = $"queue-hb-{clients}-{i}", venture = Venture, repo = "repo00" }))["session"]!["id"]!.GetValue<string>();
        long done = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(sessions.Select(session => Task.Run(async () =>
        {
            while (watch.Elapsed < duration)
            {
                using var response = await http.PostAsync($"/v1/sessions/{session}/heartbeat", null);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"heartbeat answered {(int)response.StatusCode}");
                await response.Content.LoadIntoBufferAsync();
                Interlocked.Increment(ref done);
            }
        })));
        return done / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// One idle agent whose worker waits in its long poll; each sample adds one task and times the long poll's answer
    /// (assigned) and the start's answer (started) from the moment the add was sent.
    /// </summary>
    private static async Task<(Samples Assigned, Samples Started)> IdleLatencyAsync(HttpClient http, int count)
    {
        var capability = "bench-idle";
        var agent = await RegisterAsync(http, "bench-idle-agent", capability);
        var assigned = new Samples();
        var started = new Samples();
        for (var i = 0; i < count; i++)
        {
            var poll = PostAsync(http, $"/v1/agents/{agent}/next", new { wait_seconds = 25 });
            // Let the long poll reach the server and wait there: the figure is for an agent that is already idle.
            await Task.Delay(20);
            var at = Stopwatch.GetTimestamp();
            var add = PostAsync(http, "/v1/tasks", new { venture = Venture, capability, title = $"latency {i}" });
            var next = await poll;
            assigned.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
            await add;
            var task = next["task"] as JsonObject ?? throw new InvalidOperationException("the long poll ended without the task");
            var id = task["id"]!.GetValue<string>();
            var epoch = task["epoch"]!.GetValue<long>();
            await PostAsync(http, $"/v1/tasks/{id}/start", new { epoch });
            started.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
            await PostAsync(http, $"/v1/tasks/{id}/complete", new { epoch });
        }
        return (assigned, started);
    }

    private static async Task<string> RegisterAsync(HttpClient http, string name, string capability)
    {
        var registration = await PostAsync(http, "/v1/agents", new
        {
            name,
            cli = "custom",
            capabilities = new[] { new { name = capability, weight = 0.8 } },
            max_concurrency = 1,
        });
        return registration["agent"]!["id"]!.GetValue<string>();
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string path, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body, BatonJson.Options), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }
}
