using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Baton.Bench;

/// <summary>
/// Issue 13's heartbeat and memory figures against a running <see cref="BenchServer"/>.
/// <para>
/// Heartbeat ÷ bare: 32 closed-loop clients, heartbeats as the bench always sent them (no body, no Idempotency-Key) and
/// as <c>Baton.Client</c> sends them (<c>{}</c> as JSON, a new Idempotency-Key and correlation id per call), each beside
/// a bare <c>GET /healthz</c>. The three run in turns, several rounds, and the ratio quoted is the median of the
/// rounds' ratios, so a neighbour's burst of load moves one round rather than the figure.
/// </para>
/// <para>
/// Memory: the served process's VmRSS (from /proc) when the phase starts, after its first 200k requests, every 200k
/// after that, and at its end, over a mix of heartbeats (keyed and not), SODs and health checks. Flat means the last
/// 200k requests grew RSS by no more than the first-200k mark's noise.
/// </para>
/// </summary>
public static class HeartbeatBench
{
    public const int Concurrency = 32;

    /// <summary>Where the memory figure's second reading is taken, and how often it is read after that.</summary>
    public const long MemoryMark = 200_000;

    /// <param name="statistics">The group-commit counters when the server runs in this process (null otherwise).</param>
    public static async Task<IReadOnlyList<Figure>> RatioAsync(HttpClient http, int seconds, int rounds, Func<Baton.Storage.Sqlite.SqliteStoreStatistics?>? statistics = null)
    {
        var sessions = await OpenSessionsAsync(http, Concurrency, "hb13");
        // Warm-up: JIT of each path (tiering up takes a while on a loaded machine), connection pool, page cache.
        foreach (var send in new[] { Unkeyed(sessions), Keyed(sessions), Bare() })
            await ThroughputAsync(http, Concurrency, TimeSpan.FromSeconds(5), send);

        var unkeyed = new List<(double PerSecond, Samples Latency)>();
        var keyed = new List<(double PerSecond, Samples Latency)>();
        var bare = new List<(double PerSecond, Samples Latency)>();
        var before = statistics?.Invoke();
        long unkeyedCommits = 0, unkeyedOps = 0;
        for (var round = 0; round < rounds; round++)
        {
            var start = statistics?.Invoke();
            unkeyed.Add(await ThroughputAsync(http, Concurrency, TimeSpan.FromSeconds(seconds), Unkeyed(sessions)));
            if (start is { } a && statistics?.Invoke() is { } b)
            {
                unkeyedCommits += b.CommitCount - a.CommitCount;
                unkeyedOps += b.OpCount - a.OpCount;
            }
            keyed.Add(await ThroughputAsync(http, Concurrency, TimeSpan.FromSeconds(seconds), Keyed(sessions)));
            bare.Add(await ThroughputAsync(http, Concurrency, TimeSpan.FromSeconds(seconds), Bare()));
        }

        var unkeyedRatio = Median(Enumerable.Range(0, rounds).Select(r => unkeyed[r].PerSecond / bare[r].PerSecond));
        var keyedRatio = Median(Enumerable.Range(0, rounds).Select(r => keyed[r].PerSecond / bare[r].PerSecond));
        return
        [
            new($"Heartbeat, no key ({Concurrency} clients, median of {rounds})", Describe(unkeyed)),
            new($"Heartbeat, Idempotency-Key as Baton.Client sends it ({Concurrency} clients)", Describe(keyed)),
            new($"Bare GET /healthz ({Concurrency} clients)", Describe(bare)),
            new("Heartbeat (no key) ÷ bare", unkeyedRatio.ToString("F2", CultureInfo.InvariantCulture), "≥ 0.6", unkeyedRatio >= 0.6),
            new("Heartbeat (keyed) ÷ bare", keyedRatio.ToString("F2", CultureInfo.InvariantCulture)),
            .. (before is null || unkeyedCommits == 0 ? Array.Empty<Figure>()
                : [new Figure("Group commit during unkeyed heartbeats", $"{(double)unkeyedOps / unkeyedCommits:F1} writes per commit")]),
        ];
    }

    /// <summary>
    /// Drives <paramref name="requests"/> requests (1 in 20 a SOD, 8 unkeyed heartbeats, 6 keyed, 5 health checks) and
    /// reads the server's RSS at the marks. <paramref name="rssAtStart"/> is the reading taken when the server had just
    /// started, printed beside the others.
    /// </summary>
    public static async Task<IReadOnlyList<Figure>> MemoryAsync(HttpClient http, int serverPid, long? rssAtStart, long requests)
    {
        var sessions = await OpenSessionsAsync(http, Concurrency, "mem13");
        var unkeyed = Unkeyed(sessions);
        var keyed = Keyed(sessions);
        var bare = Bare();
        var readings = new List<(long Requests, long RssKb)> { (0, RssKb(serverPid)) };
        long issued = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(worker => Task.Run(async () =>
        {
            while (true)
            {
                var n = Interlocked.Increment(ref issued);
                if (n > requests) return;
                var send = (n % 20) switch
                {
                    0 => SodSender(n),
                    < 9 => unkeyed,
                    < 15 => keyed,
                    _ => bare,
                };
                await send(http, worker);
                if (n % MemoryMark == 0)
                {
                    var rss = RssKb(serverPid);
                    lock (readings) readings.Add((n, rss));
                }
            }
        })));
        var elapsed = watch.Elapsed;
        readings.Add((requests, RssKb(serverPid)));
        readings.Sort((a, b) => a.Requests.CompareTo(b.Requests));

        var atMark = readings.First(r => r.Requests >= MemoryMark).RssKb;
        var beforeLast = readings.Last(r => r.Requests <= requests - MemoryMark).RssKb;
        var end = readings[^1].RssKb;
        var series = string.Join(", ", readings.Select(r => $"{r.Requests / 1000:N0}k: {Mb(r.RssKb)}"));
        var endMb = end / 1024.0;
        var lastGrowthMb = (end - beforeLast) / 1024.0;
        return
        [
            new($"RSS of the server over {requests:N0} requests in {elapsed.TotalSeconds:F0} s (mix: 40% heartbeats, 30% keyed heartbeats, 25% /healthz, 5% SOD)",
                $"at start {(rssAtStart is { } s ? Mb(s) : "n/a")}; phase start {Mb(readings[0].RssKb)}; after 200k {Mb(atMark)}; {series}"),
            new("RSS at the end", $"{endMb:F0} MB", "≤ 200 MB", endMb <= 200),
            new("RSS growth over the last 200k requests", $"{lastGrowthMb:+0.0;-0.0;0.0} MB (first 200k → end: {(end - atMark) / 1024.0:+0.0;-0.0;0.0} MB)", "flat (≤ 5 MB)", lastGrowthMb <= 5),
        ];
    }

    /// <summary>VmRSS of a process in kB, from /proc (Linux); 0 where /proc is not there.</summary>
    public static long RssKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 0;
    }

    private static string Mb(long kb) => $"{kb / 1024.0:F0} MB";

    private static string Describe(List<(double PerSecond, Samples Latency)> runs)
    {
        var best = runs.OrderBy(r => r.PerSecond).ElementAt(runs.Count / 2);
        return $"{best.PerSecond:N0} req/s (p50 {best.Latency.Percentile(50):F2} ms, p99 {best.Latency.Percentile(99):F2} ms; rounds {string.Join(" / ", runs.Select(r => r.PerSecond.ToString("N0", CultureInfo.InvariantCulture)))})";
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static async Task<string[]> OpenSessionsAsync(HttpClient http, int count, string tag)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            using var response = await http.PostAsync("/v1/sod", Json($$"""{"agent":"{{tag}}-{{i}}","venture":"v{{i % 50:D2}}","repo":"repo{{i % 50:D2}}"}"""));
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"SOD answered {(int)response.StatusCode}: {text}");
            ids[i] = JsonNode.Parse(text)!["session"]!["id"]!.GetValue<string>();
        }
        return ids;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The heartbeat the bench has always sent: no body, no key.</summary>
    public static Func<HttpClient, int, Task> Unkeyed(string[] sessions) => async (http, worker) =>
    {
        using var response = await http.PostAsync($"/v1/sessions/{sessions[worker]}/heartbeat", null);
        await EnsureAsync(response, "heartbeat");
    };

    /// <summary>The heartbeat as Baton.Client sends it: <c>{}</c> as UTF-8 JSON, a new Idempotency-Key and correlation id.</summary>
    public static Func<HttpClient, int, Task> Keyed(string[] sessions) => async (http, worker) =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{sessions[worker]}/heartbeat");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("X-Correlation-Id", "corr_" + Guid.NewGuid().ToString("D"));
        request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString("N"));
        request.Content = new ByteArrayContent("{}"u8.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var response = await http.SendAsync(request);
        await EnsureAsync(response, "keyed heartbeat");
    };

    public static Func<HttpClient, int, Task> Bare() => async (http, _) =>
    {
        using var response = await http.GetAsync("/healthz");
        await EnsureAsync(response, "/healthz");
    };

    private static Func<HttpClient, int, Task> SodSender(long n) => async (http, _) =>
    {
        using var response = await http.PostAsync("/v1/sod", Json($$"""{"agent":"mem-sod-{{n % 200}}","venture":"v{{n % 50:D2}}","repo":"repo{{n % 50:D2}}","branch":"main"}"""));
        await EnsureAsync(response, "SOD");
    };

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        await response.Content.LoadIntoBufferAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}");
    }

    /// <summary>Closed-loop load: <paramref name="workers"/> clients each send the next request as soon as the previous one is answered.</summary>
    public static async Task<(double PerSecond, Samples Latency)> ThroughputAsync(HttpClient http, int workers, TimeSpan duration, Func<HttpClient, int, Task> send)
    {
        var samples = new Samples();
        long completed = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            while (watch.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                await send(http, worker);
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                Interlocked.Increment(ref completed);
            }
        })));
        return (completed / watch.Elapsed.TotalSeconds, samples);
    }
}
