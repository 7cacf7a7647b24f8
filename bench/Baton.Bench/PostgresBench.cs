using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Orchestration;
using Baton.Core.Sessions;
using Baton.Core.Ventures;
using Baton.Storage.Postgres;
using Npgsql;

namespace Baton.Bench;

/// <summary>
/// Issue 6's figures: heartbeat, SOD and EOD against PostgreSQL with one and with two `baton serve` replicas (load
/// spread over both), beside the SQLite heartbeat on the same machine, with what each operation costs the database
/// (commits and WAL flushes per operation, from pg_stat_database and pg_stat_wal) and where the CPU went (from /proc:
/// the replicas, every postgres process, and this load generator), so each figure says what bounds it.
/// </summary>
public static class PostgresBench
{
    private const int Concurrency = 32;

    public static async Task<IReadOnlyList<string>> RunAsync(string connectionString, int seconds)
    {
        var lines = new List<string>();
        var sqlite = await MeasureAsync(null, 1, seconds);
        lines.Add(sqlite.Describe("SQLite, 1 server"));
        foreach (var replicas in new[] { 1, 2 })
        {
            var database = "baton_bench_" + Guid.NewGuid().ToString("N")[..8];
            await AdminAsync(connectionString, $"CREATE DATABASE {database}");
            try
            {
                var url = new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;
                var result = await MeasureAsync(url, replicas, seconds);
                lines.Add(result.Describe($"PostgreSQL, {replicas} replica{(replicas > 1 ? "s" : "")}"));
                if (replicas == 1)
                {
                    lines.Add($"  1 replica ÷ SQLite heartbeat: {result.HeartbeatPerSecond / sqlite.HeartbeatPerSecond:F2} (target ≥ 0.5)");
                    lines.Add($"  1 replica ÷ SQLite heartbeat with Idempotency-Key: {result.KeyedHeartbeatPerSecond / sqlite.KeyedHeartbeatPerSecond:F2}");
                    lines.Add(await SodInProcessAsync(url));
                }
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await AdminAsync(connectionString, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
            }
        }
        return lines;
    }

    private sealed record Result(double HeartbeatPerSecond, double HeartbeatP50, double KeyedHeartbeatPerSecond, double KeyedHeartbeatP50,
        double SodP50, double EodP50,
        double? CommitsPerHeartbeat, double? WalSyncsPerHeartbeat, double? CommitsPerKeyedHeartbeat, double? WalSyncsPerKeyedHeartbeat, double? CommitsPerSod, double? CommitsPerEod,
        double ServerCpu, double PostgresCpu, double LoadCpu, double WallSeconds)
    {
        public string Describe(string label)
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"{label}: heartbeat {HeartbeatPerSecond:N0} req/s (p50 {HeartbeatP50:F2} ms), with Idempotency-Key as Baton.Client sends it {KeyedHeartbeatPerSecond:N0} req/s (p50 {KeyedHeartbeatP50:F2} ms; keyed ÷ unkeyed {KeyedHeartbeatPerSecond / HeartbeatPerSecond:F2}), SOD p50 {SodP50:F2} ms, EOD p50 {EodP50:F2} ms");
            if (CommitsPerHeartbeat is { } c)
                text.Append(CultureInfo.InvariantCulture, $"; commits/heartbeat {c:F2}, WAL fsyncs/heartbeat {WalSyncsPerHeartbeat:F2}, commits/keyed heartbeat {CommitsPerKeyedHeartbeat:F2}, WAL fsyncs/keyed heartbeat {WalSyncsPerKeyedHeartbeat:F2}, commits/SOD {CommitsPerSod:F2}, commits/EOD {CommitsPerEod:F2}");
            text.Append(CultureInfo.InvariantCulture, $"; CPU during heartbeats (of {Environment.ProcessorCount} cores): servers {ServerCpu / WallSeconds:F2}, postgres {PostgresCpu / WallSeconds:F2}, load generator {LoadCpu / WallSeconds:F2}");
            return text.ToString();
        }
    }

    private static async Task<Result> MeasureAsync(string? postgresUrl, int replicas, int seconds)
    {
        var dataDir = Directory.CreateTempSubdirectory("baton-pgbench-").FullName;
        var servers = new List<(Process Process, Uri Address)>();
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dataDir, "ventures.json"),
                """{ "ventures": [ { "code": "v00", "name": "Bench", "org": "bench-org", "repos": ["repo00"] } ] }""");
            for (var i = 0; i < replicas; i++) servers.Add(await StartAsync(dataDir, postgresUrl));
            var key = (await File.ReadAllTextAsync(Path.Combine(dataDir, "admin.key"))).Trim();
            var clients = servers.Select(s => Client(s.Address, key)).ToList();

            // Warm-up (JIT, pools, prepared statements), then SOD and EOD latency one request at a time, spread over the replicas.
            var sessions = new string[Concurrency];
            for (var i = 0; i < Concurrency; i++) sessions[i] = await SodAsync(clients[i % clients.Count], $"hb-{i}");
            await HeartbeatsAsync(clients, sessions, TimeSpan.FromSeconds(2));

            var before = postgresUrl is null ? null : await CountersAsync(postgresUrl);
            var sod = new List<double>();
            for (var i = 0; i < 300; i++)
            {
                var watch = Stopwatch.StartNew();
                await SodAsync(clients[i % clients.Count], $"sod-{i % 100}");
                sod.Add(watch.Elapsed.TotalMilliseconds);
            }
            var afterSod = postgresUrl is null ? null : await CountersAsync(postgresUrl);
            var eod = new List<double>();
            for (var i = 0; i < 200; i++)
            {
                var id = await SodAsync(clients[i % clients.Count], $"eod-{i}");
                var watch = Stopwatch.StartNew();
                await PostAsync(clients[(i + 1) % clients.Count], "/v1/eod", $$"""{"session_id":"{{id}}","summary":"Bench EOD","status":"done"}""");
                eod.Add(watch.Elapsed.TotalMilliseconds);
            }
            var afterEod = postgresUrl is null ? null : await CountersAsync(postgresUrl);

            var cpuBefore = Cpu(servers.Select(s => s.Process.Id));
            var (count, latencies, wall) = await HeartbeatsAsync(clients, sessions, TimeSpan.FromSeconds(seconds));
            var cpuAfter = Cpu(servers.Select(s => s.Process.Id));
            var afterHeartbeats = postgresUrl is null ? null : await CountersAsync(postgresUrl);
            // Keyed heartbeats last, so the commit and CPU figures above stay those of plain heartbeats.
            await HeartbeatsAsync(clients, sessions, TimeSpan.FromSeconds(2), keyed: true);
            var beforeKeyed = postgresUrl is null ? null : await CountersAsync(postgresUrl);
            var (keyedCount, keyedLatencies, keyedWall) = await HeartbeatsAsync(clients, sessions, TimeSpan.FromSeconds(seconds), keyed: true);
            var afterKeyed = postgresUrl is null ? null : await CountersAsync(postgresUrl);

            double? PerOp(long[]? a, long[]? b, int index, double ops) => a is null || b is null ? null : (b[index] - a[index]) / ops;
            return new Result(count / wall, Median(latencies), keyedCount / keyedWall, Median(keyedLatencies), Median(sod), Median(eod),
                PerOp(afterEod, afterHeartbeats, 0, count), PerOp(afterEod, afterHeartbeats, 1, count),
                PerOp(beforeKeyed, afterKeyed, 0, keyedCount), PerOp(beforeKeyed, afterKeyed, 1, keyedCount),
                PerOp(before, afterSod, 0, 300), PerOp(afterSod, afterEod, 0, 200 * 2) /* SOD + EOD each */,
                cpuAfter.Servers - cpuBefore.Servers, cpuAfter.Postgres - cpuBefore.Postgres, cpuAfter.Load - cpuBefore.Load, wall);
        }
        finally
        {
            foreach (var (process, _) in servers)
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                process.Dispose();
            }
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { /* a temp dir */ }
        }
    }

    /// <summary>
    /// Issue 13's PostgreSQL SOD figure: the SOD service over the store in this process (no HTTP), so the store's own
    /// round-trip counter (<see cref="PostgresStoreStatistics.RoundTrips"/>) is read around each call — venture, SOD's
    /// write and the whole briefing. A mix of new and resumed sessions over a venture with handoffs, notes and docs.
    /// </summary>
    private static async Task<string> SodInProcessAsync(string url)
    {
        var builder = new NpgsqlConnectionStringBuilder(url) { SearchPath = "sod_bench" };
        await AdminAsync(url, "CREATE SCHEMA sod_bench");
        await using var store = PostgresBatonStore.Open(new PostgresStoreOptions { ConnectionString = builder.ConnectionString });
        await store.InitializeAsync(CancellationToken.None);
        var venture = new Venture("v01", "Bench", "bench-org", ["repo01"], ["has_api"], null, null, false, []);
        // v02 addresses every tenth handoff to v01 (the briefing's cross-venture section).
        await store.UpsertVenturesAsync([venture, venture with { Code = "v02", Repos = ["repo02"] }], CancellationToken.None);
        var ids = new IdGenerator(TimeProvider.System);
        var now = Timestamp.TruncateToMilliseconds(DateTimeOffset.UtcNow);
        for (var i = 0; i < 200; i++)
        {
            var payload = $$"""{"accomplished":["seeded {{i}}"],"status":"done","summary":"Seed handoff {{i}}"}""";
            await store.InsertHandoffAsync(new Handoff(ids.New(IdGenerator.Handoff), null, "v01", "bench-org/repo01", "main", null, "seed", null,
                HandoffStatus.Done, $"Seed handoff {i}", payload, new string('0', 64), payload.Length, i % 10 == 0 ? "v02" : null, now, "seed", "corr_seed"),
                CancellationToken.None);
        }
        for (var i = 0; i < 50; i++)
            await store.InsertNoteAsync(new Baton.Core.Knowledge.Note(ids.New(IdGenerator.Note), "v01", $"Summary {i}", $"Note {i} text.", ["executive-summary"],
                false, now, now, "bench", "bench"), CancellationToken.None);

        var core = new BatonCore(TimeProvider.System, new Random(1), ids, new CoreOptions());
        var sessions = new BatonServiceFactory(store, store, store, store, store, store, store, store, store, new OrchestrationOptions(), new OrchestrationSignals(), store, store, store, store, new Baton.Local.GitHub.GitHubCli(), core)
            .For(Caller.Local(IdGenerator.NewCorrelationId())).Sessions;
        SodRequest Sod(int i) => new($"sod-agent-{i % 100}", "v01", "repo01", Branch: "main");
        for (var i = 0; i < 100; i++) await sessions.SodAsync(Sod(i), CancellationToken.None); // warm-up

        var latencies = new List<double>();
        var trips = new List<double>();
        for (var i = 0; i < 500; i++)
        {
            var before = store.Statistics.RoundTrips;
            var watch = Stopwatch.StartNew();
            await sessions.SodAsync(Sod(i * 7), CancellationToken.None);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            trips.Add(store.Statistics.RoundTrips - before);
        }
        latencies.Sort();
        return string.Create(CultureInfo.InvariantCulture,
            $"  SOD in process (service over the store, no HTTP): p50 {Median(latencies):F2} ms, p99 {latencies[(int)(latencies.Count * 0.99) - 1]:F2} ms, " +
            $"round trips per SOD {trips.Average():F2} (max {trips.Max():F0}) — target ≤ 3 round trips, p50 ≤ 3 ms");
    }

    private static async Task<(long Count, List<double> Latencies, double Wall)> HeartbeatsAsync(List<HttpClient> clients, string[] sessions, TimeSpan duration, bool keyed = false)
    {
        var all = new List<double>[sessions.Length];
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, sessions.Length).Select(async worker =>
        {
            var mine = all[worker] = [];
            var client = clients[worker % clients.Count];
            while (watch.Elapsed < duration)
            {
                var started = watch.Elapsed;
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{sessions[worker]}/heartbeat");
                if (keyed)
                {
                    // As Baton.Client sends it: `{}` as UTF-8 JSON, a new key and correlation id per call.
                    request.Headers.TryAddWithoutValidation("X-Correlation-Id", "corr_" + Guid.NewGuid().ToString("D"));
                    request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString("N"));
                    request.Content = new ByteArrayContent("{}"u8.ToArray());
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                }
                using var response = await client.SendAsync(request);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"heartbeat answered {(int)response.StatusCode}");
                mine.Add((watch.Elapsed - started).TotalMilliseconds);
            }
        }));
        var latencies = all.SelectMany(l => l).ToList();
        return (latencies.Count, latencies, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Commits of the bench database, and WAL syncs of the whole cluster.</summary>
    private static async Task<long[]> CountersAsync(string url)
    {
        await using var connection = new NpgsqlConnection(url);
        await connection.OpenAsync();
        // Statistics are collected with a short delay; force them out so the deltas are of this interval.
        await using (var flush = new NpgsqlCommand("SELECT pg_stat_force_next_flush()", connection)) await flush.ExecuteNonQueryAsync();
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()), (SELECT wal_sync FROM pg_stat_wal)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return [reader.GetInt64(0), reader.GetInt64(1)];
    }

    /// <summary>CPU seconds (user + system) from /proc: the given server processes, every postgres process, and this one.</summary>
    private static (double Servers, double Postgres, double Load) Cpu(IEnumerable<int> serverPids)
    {
        double Seconds(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
            }
            catch (IOException) { return 0; }
        }
        var postgres = Directory.EnumerateDirectories("/proc").Select(d => Path.GetFileName(d))
            .Where(n => int.TryParse(n, out _))
            .Where(n => { try { return File.ReadAllText($"/proc/{n}/comm").Trim() == "postgres"; } catch (IOException) { return false; } })
            .Sum(n => Seconds(int.Parse(n, CultureInfo.InvariantCulture)));
        return (serverPids.Sum(Seconds), postgres, Seconds(Environment.ProcessId));
    }

    private static async Task<(Process, Uri)> StartAsync(string dataDir, string? postgresUrl)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var args = new List<string> { BenchServer.ServerDll, "serve", "--data-dir", dataDir, "--listen", "127.0.0.1:0", "--rate-limit", "0" };
        if (postgresUrl is not null) args.AddRange(["--store", "postgres", "--store-url", postgresUrl]);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start baton serve");
        _ = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            const string Marker = "listening on ";
            var at = line.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
            if (at < 0) continue;
            _ = process.StandardOutput.ReadToEndAsync();
            return (process, new Uri(line[(at + Marker.Length)..].Trim()));
        }
        throw new InvalidOperationException("baton serve exited before listening");
    }

    private static HttpClient Client(Uri address, string key)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static async Task<string> SodAsync(HttpClient http, string agent) =>
        JsonNode.Parse(await PostAsync(http, "/v1/sod", $$"""{"agent":"{{agent}}","venture":"v00","repo":"repo00"}"""))!["session"]!["id"]!.GetValue<string>();

    private static async Task<string> PostAsync(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {text}");
        return text;
    }

    private static async Task AdminAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count == 0 ? 0 : values[values.Count / 2];
    }
}
