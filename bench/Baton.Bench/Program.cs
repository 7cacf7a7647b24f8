using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.Bench;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;

// Baton's foundation benchmark (issue 2). One run: seed, then each scenario against the built `baton serve` (its own
// process, a real Kestrel on loopback over a real SQLite file). The load generator runs in this process and shares the
// machine's two cores with the server; the ratio against a bare endpoint measured the same way is the figure that
// travels between machines.
//
//   dotnet run -c Release --project bench/Baton.Bench [-- --seconds 10 --out bench-results.md --in-process --skip-knowledge]
//   dotnet run -c Release --project bench/Baton.Bench -- --mcp      (the `baton mcp` figures only)
//   dotnet run -c Release --project bench/Baton.Bench -- --launch   (the `baton launch` figures only)
//   dotnet run -c Release --project bench/Baton.Bench -- --hook [--published DIR --published-before DIR]   (issue 15: baton hook start → exit beside --version)
//   dotnet run -c Release --project bench/Baton.Bench -- --knowledge   (note search and the rich venture's SOD only)
//   dotnet run -c Release --project bench/Baton.Bench -- --worker  (baton worker end to end: tasks/s and its overhead per task)
//   dotnet run -c Release --project bench/Baton.Bench -- --queue   (the orchestrator's queue over HTTP on SQLite only)
//   dotnet run -c Release --project bench/Baton.Bench -- --postgres "Host=127.0.0.1;Port=5432;Username=postgres"  (issue 6 figures)
//   dotnet run -c Release --project bench/Baton.Bench -- --heartbeat [--rounds 5 --memory-requests 1000000]  (issue 13: heartbeat ÷ bare, keyed and not; RSS)
//   dotnet run -c Release --project bench/Baton.Bench -- --dashboard  (issue 18: each page's time to first byte with 1k sessions and 10k tasks)

// `--mcp`: only the `baton mcp` figures (issue 4), which need the built baton rather than a server in this process.
if (Environment.GetCommandLineArgs().Contains("--mcp"))
{
    var mcpFigures = await McpBench.RunAsync();
    foreach (var figure in mcpFigures)
        Console.WriteLine($"{figure.Name}: {figure.Value}{(figure.Target is null ? "" : $"  (target {figure.Target}: {(figure.Met == true ? "met" : "NOT met")})")}");
    return mcpFigures.All(f => f.Met != false) ? 0 : 3;
}

// `--hook`: only the `baton hook` figures (issue 15): start → exit beside `baton --version`, server up and down.
if (Environment.GetCommandLineArgs().Contains("--hook"))
{
    var hookFigures = await HookBench.RunAsync();
    foreach (var figure in hookFigures)
        Console.WriteLine($"{figure.Name}: {figure.Value}{(figure.Target is null ? "" : $"  (target {figure.Target}: {(figure.Met == true ? "met" : "NOT met")})")}");
    return hookFigures.All(f => f.Met != false) ? 0 : 3;
}

// `--postgres <connection string>`: only issue 6's PostgreSQL figures (one and two replicas beside SQLite's heartbeat).
if (ArgValue("--postgres") is { } postgresUrl)
{
    foreach (var line in await PostgresBench.RunAsync(postgresUrl, ArgValue("--seconds") is { } pgSeconds ? int.Parse(pgSeconds) : 10))
        Console.WriteLine(line);
    return 0;
}

// `--launch`: only the `baton launch` figures (issue 5): the built baton launching a fake agent, as a process.
if (Environment.GetCommandLineArgs().Contains("--launch"))
{
    var launchFigures = await LaunchBench.RunAsync();
    foreach (var figure in launchFigures)
        Console.WriteLine($"{figure.Name}: {figure.Value}{(figure.Target is null ? "" : $"  (target {figure.Target}: {(figure.Met == true ? "met" : "NOT met")})")}");
    return launchFigures.All(f => f.Met != false) ? 0 : 3;
}

// `--knowledge`: only the knowledge figures (issues 3 and 13): note search over 100k notes and the rich venture's SOD.
if (Environment.GetCommandLineArgs().Contains("--knowledge"))
{
    var knowledgeDir = Directory.CreateTempSubdirectory("baton-bench-").FullName;
    try
    {
        WriteVenturesFile(knowledgeDir, 50);
        await using var knowledgeServer = await BenchServer.StartAsync(knowledgeDir, inProcess: Environment.GetCommandLineArgs().Contains("--in-process"));
        using var knowledgeHttp = NewClient(knowledgeServer.BaseAddress, knowledgeServer.Key);
        var knowledgeFigures = await KnowledgeBench.RunAsync(knowledgeServer.Store, knowledgeHttp, knowledgeDir);
        foreach (var figure in knowledgeFigures)
            Console.WriteLine($"{figure.Name}: {figure.Value}{(figure.Target is null ? "" : $"  (target {figure.Target}: {(figure.Met == true ? "met" : "NOT met")})")}");
        return knowledgeFigures.All(f => f.Met != false) ? 0 : 3;
    }
    finally
    {
        try { Directory.Delete(knowledgeDir, recursive: true); } catch (IOException) { /* best effort: a temp dir */ }
    }
}

// `--worker`: only the worker figures (issue 16): N `baton worker` processes (`--workers`, default 4) running tasks end to end.
if (Environment.GetCommandLineArgs().Contains("--worker"))
{
    var workerFigures = await WorkerBench.RunAsync(BenchServer.ServerDll,
        ArgValue("--workers") is { } w ? int.Parse(w) : 4, ArgValue("--tasks") is { } t ? int.Parse(t) : 200);
    foreach (var figure in workerFigures)
        Console.WriteLine($"{figure.Name}: {figure.Value}{(figure.Target is null ? "" : $"  (target {figure.Target}: {(figure.Met == true ? "met" : "NOT met")})")}");
    return workerFigures.All(f => f.Met != false) ? 0 : 3;
}

// `--dashboard`: only the dashboard figures (issue 18): each page's time to first byte over 1k sessions and 10k tasks.
if (Environment.GetCommandLineArgs().Contains("--dashboard"))
{
    var dashboardDir = Directory.CreateTempSubdirectory("baton-bench-").FullName;
    try
    {
        WriteVenturesFile(dashboardDir, 10);
        await using var dashboardServer = await BenchServer.StartAsync(dashboardDir, inProcess: Environment.GetCommandLineArgs().Contains("--in-process"));
        using var dashboardHttp = NewClient(dashboardServer.BaseAddress, dashboardServer.Key);
        var dashboardFigures = await DashboardBench.RunAsync(dashboardServer.Store, dashboardHttp, 10);
        foreach (var figure in dashboardFigures)
            Console.WriteLine($"{figure.Name}: {figure.Value}{(figure.Target is null ? "" : $"  (target {figure.Target}: {(figure.Met == true ? "met" : "NOT met")})")}");
        return dashboardFigures.All(f => f.Met != false) ? 0 : 3;
    }
    finally
    {
        try { Directory.Delete(dashboardDir, recursive: true); } catch (IOException) { /* best effort: a temp dir */ }
    }
}

// `--queue`: only the task queue figures (issue 14): workers over HTTP on SQLite, and add → assigned when an agent is idle.
if (Environment.GetCommandLineArgs().Contains("--queue"))
{
    var queueDir = Directory.CreateTempSubdirectory("baton-bench-").FullName;
    try
    {
        WriteVenturesFile(queueDir, 1);
        await using var queueServer = await BenchServer.StartAsync(queueDir, inProcess: Environment.GetCommandLineArgs().Contains("--in-process"));
        using var queueHttp = NewClient(queueServer.BaseAddress, queueServer.Key);
        var queueFigures = await QueueBench.RunAsync(queueHttp, ArgValue("--seconds") is { } queueSeconds ? int.Parse(queueSeconds) : 10);
        foreach (var figure in queueFigures)
            Console.WriteLine($"{figure.Name}: {figure.Value}{(figure.Target is null ? "" : $"  (target {figure.Target}: {(figure.Met == true ? "met" : "NOT met")})")}");
        return queueFigures.All(f => f.Met != false) ? 0 : 3;
    }
    finally
    {
        try { Directory.Delete(queueDir, recursive: true); } catch (IOException) { /* best effort: a temp dir */ }
    }
}

var seconds = ArgValue("--seconds") is { } s ? int.Parse(s) : 10;
var outPath = ArgValue("--out");
const int Ventures = 50, SeedSessions = 1_000, SeedHandoffs = 10_000, Concurrency = 32;
var memoryRequests = ArgValue("--memory-requests") is { } m ? long.Parse(m) : 1_000_000;
// The RSS figures compare the first 200k requests with the last 200k: fewer than two marks measure nothing (0 skips the phase).
if (memoryRequests is > 0 and < 2 * HeartbeatBench.MemoryMark)
{
    Console.Error.WriteLine($"--memory-requests: {memoryRequests:N0} is too few; use 0 (skip the RSS phase) or at least {2 * HeartbeatBench.MemoryMark:N0}.");
    return 2;
}

// `--heartbeat`: only issue 13's heartbeat ratios (keyed and not) and the server's RSS over `--memory-requests`.
if (Environment.GetCommandLineArgs().Contains("--heartbeat"))
{
    var hbDir = Directory.CreateTempSubdirectory("baton-bench-hb-").FullName;
    try
    {
        WriteVenturesFile(hbDir, Ventures);
        await using var hbServer = await BenchServer.StartAsync(hbDir, inProcess: Environment.GetCommandLineArgs().Contains("--in-process"));
        var rssAtStart = HeartbeatBench.RssKb(hbServer.ServerProcessId);
        using var hbHttp = NewClient(hbServer.BaseAddress, hbServer.Key);
        var rounds = ArgValue("--rounds") is { } r ? int.Parse(r) : 5;
        var hbFigures = new List<Figure>(rounds > 0 ? await HeartbeatBench.RatioAsync(hbHttp, seconds, rounds, () => hbServer.Statistics) : []);
        if (memoryRequests > 0) hbFigures.AddRange(await HeartbeatBench.MemoryAsync(hbHttp, hbServer.ServerProcessId, rssAtStart, memoryRequests));
        Console.WriteLine(Report(hbFigures, seconds, hbServer.Mode + " (--heartbeat: nothing seeded but the 50 ventures)"));
        return hbFigures.All(f => f.Met != false) ? 0 : 3;
    }
    finally
    {
        try { Directory.Delete(hbDir, recursive: true); } catch (IOException) { /* best effort: a temp dir */ }
    }
}

var dataDir = Directory.CreateTempSubdirectory("baton-bench-").FullName;
try
{
    WriteVenturesFile(dataDir, Ventures);
    await using var server = await BenchServer.StartAsync(dataDir, inProcess: Environment.GetCommandLineArgs().Contains("--in-process"));
    var serverRssAtStart = HeartbeatBench.RssKb(server.ServerProcessId);
    using var http = NewClient(server.BaseAddress, server.Key);

    Console.WriteLine($"Seeding {Ventures} ventures, {SeedSessions:N0} sessions, {SeedHandoffs:N0} handoffs …");
    var seedWatch = Stopwatch.StartNew();
    await SeedAsync(server, SeedSessions, SeedHandoffs, Ventures);
    Console.WriteLine($"  seeded in {seedWatch.Elapsed.TotalSeconds:F1} s");

    var figures = new List<Figure>();

    // Warm-up: JIT, connection pool, SQLite page cache.
    await RunSodAsync(http, 300, "warm");
    await RunThroughputAsync(http, Concurrency, TimeSpan.FromSeconds(2), HeartbeatSender(await OpenSessionsAsync(http, Concurrency, "warm-hb")));
    await RunThroughputAsync(http, Concurrency, TimeSpan.FromSeconds(2), BareSender());

    var sod = await RunSodAsync(http, 2_000, "sod");
    figures.Add(new("SOD latency p50", Ms(sod.Percentile(50))));
    figures.Add(new("SOD latency p99", Ms(sod.Percentile(99)), "≤ 5 ms", sod.Percentile(99) <= 5));

    var eod = await RunEodAsync(http, 1_000);
    figures.Add(new("EOD (10 KB handoff) p50", Ms(eod.Percentile(50))));
    figures.Add(new("EOD (10 KB handoff) p99", Ms(eod.Percentile(99)), "≤ 15 ms", eod.Percentile(99) <= 15));

    var statsBefore = server.Statistics;
    var hbSessions = await OpenSessionsAsync(http, Concurrency, "hb");
    var heartbeat = await RunThroughputAsync(http, Concurrency, TimeSpan.FromSeconds(seconds), HeartbeatSender(hbSessions));
    var statsAfter = server.Statistics;
    var bare = await RunThroughputAsync(http, Concurrency, TimeSpan.FromSeconds(seconds), BareSender());
    var ratio = heartbeat.PerSecond / bare.PerSecond;
    figures.Add(new($"Heartbeat throughput ({Concurrency} clients)", $"{heartbeat.PerSecond:N0} req/s (p50 {heartbeat.Latency.Percentile(50):F2} ms, p99 {heartbeat.Latency.Percentile(99):F2} ms)"));
    figures.Add(new($"Bare GET /healthz ({Concurrency} clients)", $"{bare.PerSecond:N0} req/s (p50 {bare.Latency.Percentile(50):F2} ms, p99 {bare.Latency.Percentile(99):F2} ms)"));
    figures.Add(new("Heartbeat ÷ bare", $"{ratio:F2}", "≥ 0.6", ratio >= 0.6));
    // The real client always sends an Idempotency-Key (issue 13): the same heartbeat as Baton.Client sends it.
    var keyedHeartbeat = await RunThroughputAsync(http, Concurrency, TimeSpan.FromSeconds(seconds), HeartbeatBench.Keyed(hbSessions));
    figures.Add(new("Heartbeat with Idempotency-Key ÷ bare", $"{keyedHeartbeat.PerSecond / bare.PerSecond:F2} ({keyedHeartbeat.PerSecond:N0} req/s, p50 {keyedHeartbeat.Latency.Percentile(50):F2} ms)"));
    if (statsBefore is { } b && statsAfter is { } a && a.CommitCount > b.CommitCount)
        figures.Add(new("Group commit during heartbeats", $"{(double)(a.OpCount - b.OpCount) / (a.CommitCount - b.CommitCount):F1} writes per commit"));

    if (!Environment.GetCommandLineArgs().Contains("--skip-knowledge"))
        figures.AddRange(await KnowledgeBench.RunAsync(server.Store, http, dataDir));

    // Last, so it is the RSS after the whole bench: the phases above plus this one's requests.
    if (memoryRequests > 0)
        figures.AddRange(await HeartbeatBench.MemoryAsync(http, server.ServerProcessId, serverRssAtStart, memoryRequests));

    var report = Report(figures, seconds, server.Mode);
    Console.WriteLine();
    Console.WriteLine(report);
    if (outPath is not null) await File.WriteAllTextAsync(outPath, report);
    return figures.All(f => f.Met != false) ? 0 : 3;
}
finally
{
    try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { /* best effort: a temp dir */ }
}

static string? ArgValue(string name)
{
    var args = Environment.GetCommandLineArgs();
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string Ms(double ms) => $"{ms:F2} ms";

static HttpClient NewClient(Uri baseAddress, string key)
{
    var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
    var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    return http;
}

static void WriteVenturesFile(string dataDir, int count)
{
    var ventures = new JsonArray();
    for (var i = 0; i < count; i++)
        ventures.Add(new JsonObject { ["code"] = $"v{i:D2}", ["name"] = $"Venture {i}", ["org"] = "bench-org", ["repos"] = new JsonArray($"repo{i:D2}") });
    File.WriteAllText(Path.Combine(dataDir, "ventures.json"), new JsonObject { ["ventures"] = ventures }.ToJsonString());
}

static async Task SeedAsync(BenchServer server, int sessions, int handoffs, int ventures)
{
    var store = server.Store;
    var ids = new IdGenerator(TimeProvider.System);
    var now = Timestamp.TruncateToMilliseconds(DateTimeOffset.UtcNow);
    await Parallel.ForAsync(0, sessions, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
    {
        var v = $"v{i % ventures:D2}";
        var candidate = new Session(ids.New(IdGenerator.Session), $"seed-agent-{i}", "bench", "bench-host", v, $"bench-org/repo{i % ventures:D2}",
            "main", null, "main", null, SessionStatus.Active, null, now, now, null, "seed", "corr_seed", null);
        await store.StartOrResumeSessionAsync(candidate, now, TimeSpan.FromMinutes(45), ct);
    });
    await Parallel.ForAsync(0, handoffs, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
    {
        var v = $"v{i % ventures:D2}";
        var payload = CanonicalJson.Serialize(new JsonObject { ["summary"] = $"Seed handoff {i}", ["accomplished"] = new JsonArray("seeded") });
        var bytes = Encoding.UTF8.GetBytes(payload);
        var handoff = new Handoff(ids.New(IdGenerator.Handoff), null, v, $"bench-org/repo{i % ventures:D2}", "main", null, "seed-agent", null,
            HandoffStatus.Done, $"Seed handoff {i}", payload, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)),
            bytes.Length, null, now, "seed", "corr_seed");
        await store.InsertHandoffAsync(handoff, ct);
    });
}

static StringContent Json(object body) => new(JsonSerializer.Serialize(body, BatonJson.Options), Encoding.UTF8, "application/json");

static async Task<JsonNode> PostAsync(HttpClient http, string path, object body)
{
    using var response = await http.PostAsync(path, Json(body));
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {text}");
    return JsonNode.Parse(text)!;
}

// For timed calls: the answer is read whole but not parsed, so the figure is the server's, not the client's JSON cost.
static async Task PostTimedAsync(HttpClient http, string path, StringContent body)
{
    using var response = await http.PostAsync(path, body);
    await response.Content.LoadIntoBufferAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}");
}

// SOD: one client, one request at a time, so the figure is latency rather than queueing. A mix of new and resumed
// sessions across the 50 ventures, each briefing built against the seeded handoffs.
static async Task<Samples> RunSodAsync(HttpClient http, int count, string tag)
{
    var samples = new Samples();
    for (var i = 0; i < count; i++)
    {
        var body = new { agent = $"{tag}-agent-{i % 200}", venture = $"v{i % 50:D2}", repo = $"repo{i % 50:D2}", branch = "main" };
        var content = Json(body);
        var watch = Stopwatch.StartNew();
        await PostTimedAsync(http, "/v1/sod", content);
        samples.Add(watch.Elapsed.TotalMilliseconds);
    }
    return samples;
}

// EOD with a 10 KB handoff: each EOD needs a live session, so SOD first (not timed), then time the EOD alone.
static async Task<Samples> RunEodAsync(HttpClient http, int count)
{
    var samples = new Samples();
    var filler = Enumerable.Range(0, 100).Select(i => $"Step {i:D3}: " + new string('x', 88)).ToArray(); // ≈ 10 KB
    for (var i = 0; i < count; i++)
    {
        var sod = await PostAsync(http, "/v1/sod", new { agent = $"eod-agent-{i}", venture = $"v{i % 50:D2}", repo = $"repo{i % 50:D2}" });
        var sessionId = sod["session"]!["id"]!.GetValue<string>();
        var body = new { session_id = sessionId, summary = "Bench EOD", status = "in_progress", accomplished = filler, next_steps = new[] { "carry on" } };
        var content = Json(body);
        var watch = Stopwatch.StartNew();
        await PostTimedAsync(http, "/v1/eod", content);
        samples.Add(watch.Elapsed.TotalMilliseconds);
    }
    return samples;
}

static async Task<string[]> OpenSessionsAsync(HttpClient http, int count, string tag)
{
    var ids = new string[count];
    for (var i = 0; i < count; i++)
        ids[i] = (await PostAsync(http, "/v1/sod", new { agent = $"{tag}-{i}", venture = $"v{i % 50:D2}", repo = $"repo{i % 50:D2}" }))["session"]!["id"]!.GetValue<string>();
    return ids;
}

static Func<HttpClient, int, Task> HeartbeatSender(string[] sessions) => async (http, worker) =>
{
    using var response = await http.PostAsync($"/v1/sessions/{sessions[worker]}/heartbeat", null);
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"heartbeat answered {(int)response.StatusCode}");
    await response.Content.LoadIntoBufferAsync();
};

static Func<HttpClient, int, Task> BareSender() => async (http, _) =>
{
    using var response = await http.GetAsync("/healthz");
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"/healthz answered {(int)response.StatusCode}");
    await response.Content.LoadIntoBufferAsync();
};

// Closed-loop load: `workers` clients each send the next request as soon as the previous one is answered.
static async Task<(double PerSecond, Samples Latency)> RunThroughputAsync(HttpClient http, int workers, TimeSpan duration, Func<HttpClient, int, Task> send)
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

static string Report(IReadOnlyList<Figure> figures, int seconds, string mode)
{
    var text = new StringBuilder();
    text.AppendLine($"Baton foundation benchmark — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
    text.AppendLine($"Machine: {Environment.ProcessorCount} logical cores, {CpuModel()}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    text.AppendLine($"Store: SQLite (WAL, synchronous=NORMAL), seeded 50 ventures / 1,000 sessions / 10,000 handoffs; throughput runs {seconds} s each; {mode}, load generator in the benchmark process.");
    text.AppendLine();
    text.AppendLine("| figure | result | target | met |");
    text.AppendLine("|---|---|---|---|");
    foreach (var f in figures)
        text.AppendLine($"| {f.Name} | {f.Value} | {f.Target ?? ""} | {(f.Met is null ? "" : f.Met.Value ? "yes" : "NO")} |");
    return text.ToString();
}

static string CpuModel()
{
    try
    {
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
    catch (IOException)
    {
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
