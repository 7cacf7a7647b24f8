using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Sessions;
using Baton.Core.Storage;

namespace Baton.Bench;

/// <summary>
/// The dashboard's pages (issue 18): time to first byte of each page over a real Kestrel, with 1k live sessions and
/// 10k tasks seeded (sessions straight into the store, as the foundation bench seeds them; tasks through the API, so
/// each has its created event). Every page is rendered per request from the store, so this is the figure that says
/// whether a page stays quick as a fleet grows. Target: p99 ≤ 50 ms per page.
/// </summary>
public static class DashboardBench
{
    public const int Sessions = 1_000;
    public const int Tasks = 10_000;
    private const int Warmup = 20;
    private const int Samples = 200;
    private const double TargetMs = 50;

    public static readonly string[] Pages = ["/", "/work", "/fleet", "/context", "/spend"];

    public static async Task<IReadOnlyList<Figure>> RunAsync(IBatonStore store, HttpClient http, int ventures)
    {
        var seeding = Stopwatch.StartNew();
        await SeedSessionsAsync(store, ventures);
        await SeedTasksAsync(http, ventures);
        var figures = new List<Figure>
        {
            new("Dashboard: seeded", $"{Sessions:N0} sessions, {Tasks:N0} tasks over {ventures} ventures in {seeding.Elapsed.TotalSeconds:F0} s"),
        };

        foreach (var page in Pages)
        {
            for (var i = 0; i < Warmup; i++) await FirstByteAsync(http, page);
            var samples = new Samples();
            for (var i = 0; i < Samples; i++) samples.Add(await FirstByteAsync(http, page));
            var p99 = samples.Percentile(99);
            figures.Add(new($"Dashboard: {page} time to first byte", $"p50 {samples.Percentile(50):F1} ms, p99 {p99:F1} ms ({Samples} requests, one at a time)",
                $"p99 ≤ {TargetMs} ms", p99 <= TargetMs));
        }
        return figures;
    }

    /// <summary>Request to the response's headers (the page is rendered whole before its first byte is written).</summary>
    private static async Task<double> FirstByteAsync(HttpClient http, string path)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        var ms = watch.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
        await response.Content.LoadIntoBufferAsync();
        return ms;
    }

    private static async Task SeedSessionsAsync(IBatonStore store, int ventures)
    {
        var ids = new IdGenerator(TimeProvider.System);
        var now = Timestamp.TruncateToMilliseconds(DateTimeOffset.UtcNow);
        await Parallel.ForAsync(0, Sessions, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var v = $"v{i % ventures:D2}";
            var candidate = new Session(ids.New(IdGenerator.Session), $"dash-agent-{i}", "dash", "bench-host", v, $"bench-org/repo{i % ventures:D2}",
                "main", null, "main", null, SessionStatus.Active, null, now, now, null, "seed", "corr_seed", null);
            await store.StartOrResumeSessionAsync(candidate, now, TimeSpan.FromMinutes(45), ct);
        });
    }

    private static async Task SeedTasksAsync(HttpClient http, int ventures)
    {
        await Parallel.ForAsync(0, Tasks, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var body = JsonSerializer.Serialize(new { venture = $"v{i % ventures:D2}", capability = $"cap-{i % 7}", title = $"Dashboard seed task {i}", priority = i % 5 });
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("/v1/tasks", content, ct);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"/v1/tasks answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        });
    }
}
