using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baton.Bench;

/// <summary>
/// <c>baton worker</c> end to end (issue 16): N real <c>baton worker</c> processes, each with one custom agent whose
/// "CLI" is a shell script that finishes at once, take tasks from the bench's server. Each worker stands for a machine:
/// it has a clone of its own of the one origin (workers sharing a clone take turns at its git lock, which is a
/// different figure: a machine's own contention). Figures, per phase (tasks with a
/// repo — fetch, worktree, branch — and tasks without one):
/// <list type="bullet">
/// <item>tasks/s end to end (add → succeeded, every task);</item>
/// <item>Baton's own overhead per task, excluding the agent: assignment → agent process started (the dispatcher's
/// assignment event to the script's first line), and agent exit → result stored (the script's last line to the task's
/// finish time). Both clocks are this machine's; timestamps are taken with <c>date +%s%N</c> in the script and the
/// server's millisecond timestamps.</item>
/// </list>
/// </summary>
public static class WorkerBench
{
    private const string Venture = "wb";
    private const string Repo = "bench-org/bench-repo";
    private const string RemoteUrl = "git@github.com:bench-org/bench-repo.git";

    public static async Task<IReadOnlyList<Figure>> RunAsync(string serverDll, int workers, int tasksPerPhase)
    {
        var root = Directory.CreateTempSubdirectory("baton-bench-worker-").FullName;
        var processes = new List<Process>();
        try
        {
            var serverData = Path.Combine(root, "server");
            Directory.CreateDirectory(serverData);
            File.WriteAllText(Path.Combine(serverData, "ventures.json"),
                $$"""{"ventures":[{"code":"{{Venture}}","name":"Worker bench","org":"bench-org","repos":["bench-repo"]}]}""");
            await using var server = await BenchServer.StartAsync(serverData, inProcess: false);
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", server.Key);

            var home = Path.Combine(root, "home");
            Directory.CreateDirectory(home);
            File.WriteAllText(Path.Combine(home, ".gitconfig"), "[user]\n\temail = bench@example.org\n\tname = Bench\n");
            var origin = MakeOrigin(root);
            var log = Path.Combine(root, "agent.log");
            var agentScript = Path.Combine(root, "agent.sh");
            // The agent: its first and last lines are the timestamps the overhead is measured against.
            File.WriteAllText(agentScript, $"#!/bin/sh\nprintf '%s start %s\\n' \"$BATON_TRACK\" \"$(date +%s%N)\" >> '{log}'\necho done\nprintf '%s end %s\\n' \"$BATON_TRACK\" \"$(date +%s%N)\" >> '{log}'\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(agentScript, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            for (var i = 0; i < workers; i++)
            {
                var data = Path.Combine(root, $"worker{i}");
                Directory.CreateDirectory(data);
                File.WriteAllText(Path.Combine(data, "worker.json"),
                    $$"""{"agents":[{"name":"wb-{{i}}","cli":"custom","command":"{{agentScript}}","args":["{prompt}"],"capabilities":[{"name":"bench","weight":0.9}],"max_concurrency":2}]}""");
                var roots = Path.Combine(root, $"machine{i}");
                Directory.CreateDirectory(roots);
                Clone(origin, roots);
                processes.Add(StartWorker(serverDll, server.BaseAddress, server.Key, data, home, roots));
            }
            await WaitForAgentsAsync(http, workers);

            var figures = new List<Figure>();
            await RunPhaseAsync(http, log, 2 * workers, withRepo: false, "warm-up"); // JIT and connections, not counted
            // Saturated: every task added at once, the 2 cores shared by the server, N workers and the agents — tasks/s,
            // and the overhead including the wait for a core. One at a time: a task is added when the last one is closed
            // (its handoff written, its worktree removed: the worker's "closed" line), so the overhead is the worker's
            // own path with nothing else running.
            foreach (var (withRepo, oneAtATime) in new[] { (true, false), (false, false), (true, true), (false, true) })
            {
                var phase = (withRepo ? "with a repo" : "no repo") + (oneAtATime ? ", one at a time" : $", {workers} workers × 2 saturated");
                var count = oneAtATime ? Math.Min(tasksPerPhase, 100) : tasksPerPhase;
                var (perSecond, toStart, toStored) = await RunPhaseAsync(http, log, count, withRepo, phase, oneAtATime ? root : null);
                if (!oneAtATime) figures.Add(new($"Worker: tasks/s end to end ({phase})", $"{perSecond:N1} tasks/s ({count} tasks)"));
                figures.Add(new($"Worker: assignment → agent started p50 ({phase})", $"{toStart.Percentile(50):F1} ms"));
                figures.Add(new($"Worker: assignment → agent started p99 ({phase})", $"{toStart.Percentile(99):F1} ms", "≤ 150 ms", toStart.Percentile(99) <= 150));
                figures.Add(new($"Worker: agent exit → result stored p50 ({phase})", $"{toStored.Percentile(50):F1} ms"));
                figures.Add(new($"Worker: agent exit → result stored p99 ({phase})", $"{toStored.Percentile(99):F1} ms", "≤ 150 ms", toStored.Percentile(99) <= 150));
            }
            return figures;
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.Dispose();
            }
            if (Environment.GetEnvironmentVariable("BATON_BENCH_KEEP") == "1") Console.Error.WriteLine($"kept {root}");
            else try { Directory.Delete(root, recursive: true); } catch (IOException) { /* best effort: a temp dir */ }
        }
    }

    /// <param name="oneAtATimeRoot">Set: each task is added once the last one is closed (found in the workers' logs under it).</param>
    private static async Task<(double PerSecond, Samples ToStart, Samples ToStored)> RunPhaseAsync(HttpClient http, string log, int count, bool withRepo, string phase, string? oneAtATimeRoot = null)
    {
        var oneAtATime = oneAtATimeRoot is not null;
        var started = Stopwatch.GetTimestamp();
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var body = new JsonObject { ["venture"] = Venture, ["capability"] = "bench", ["title"] = $"{phase} {i}", ["prompt"] = "finish at once" };
            if (withRepo) body["repo"] = Repo;
            var id = (await PostAsync(http, "/v1/tasks", body))["id"]!.GetValue<string>();
            ids.Add(id);
            if (oneAtATime)
            {
                await WaitForAsync(http, [id]);
                await WaitForClosedAsync(oneAtATimeRoot!, id);
            }
        }
        await WaitForAsync(http, ids);
        var perSecond = count / Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (perSecond, await OverheadAsync(http, log, ids, true), await OverheadAsync(http, log, ids, false));
    }

    private static async Task WaitForClosedAsync(string root, string id)
    {
        var marker = $"{id} closed";
        for (var tries = 0; tries < 2_000; tries++)
        {
            foreach (var path in Directory.GetFiles(root, "worker.log", SearchOption.AllDirectories))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                if ((await new StreamReader(stream).ReadToEndAsync()).Contains(marker, StringComparison.Ordinal)) return;
            }
            await Task.Delay(5);
        }
        throw new InvalidOperationException($"no worker said {marker} within 10 s");
    }

    private static async Task WaitForAsync(HttpClient http, IReadOnlyList<string> ids)
    {
        var open = new HashSet<string>(ids);
        while (open.Count > 0)
        {
            foreach (var id in open.ToList())
            {
                var task = await GetAsync(http, $"/v1/tasks/{id}");
                var state = task["state"]!.GetValue<string>();
                if (state == "succeeded") open.Remove(id);
                else if (state is "failed" or "dead" or "cancelled") throw new InvalidOperationException($"bench task {id} is {state}: {task["error"]?.ToJsonString()}");
            }
            if (open.Count > 0) await Task.Delay(open.Count == 1 ? 5 : 50);
        }
    }

    /// <summary>Assignment → agent started (<paramref name="start"/>), or agent exit → result stored, per task.</summary>
    private static async Task<Samples> OverheadAsync(HttpClient http, string log, IReadOnlyList<string> ids, bool start)
    {
        var marks = File.ReadAllLines(log).Select(l => l.Split(' ')).Where(p => p.Length == 3)
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.ToDictionary(p => p[1], p => long.Parse(p[2], CultureInfo.InvariantCulture)));
        var samples = new Samples();
        foreach (var id in ids)
        {
            var mark = marks[id];
            if (start)
            {
                var events = await GetAsync(http, $"/v1/tasks/{id}/events");
                var assigned = events["items"]!.AsArray().Last(e => e!["to"]!.GetValue<string>() == "assigned")!["at"]!.GetValue<DateTimeOffset>();
                samples.Add((FromUnixNanos(mark["start"]) - assigned).TotalMilliseconds);
            }
            else
            {
                var finished = (await GetAsync(http, $"/v1/tasks/{id}"))["finished_at"]!.GetValue<DateTimeOffset>();
                samples.Add((finished - FromUnixNanos(mark["end"])).TotalMilliseconds);
            }
        }
        return samples;
    }

    private static DateTimeOffset FromUnixNanos(long nanos) => DateTimeOffset.UnixEpoch.AddTicks(nanos / 100);

    /// <summary>A bare origin with one commit on main.</summary>
    private static string MakeOrigin(string root)
    {
        var origin = Path.Combine(root, "origin.git");
        var seed = Path.Combine(root, "seed");
        Git(root, "init", "-q", "--bare", "-b", "main", origin);
        Git(root, "clone", "-q", origin, seed);
        Git(seed, "-c", "user.email=b@example.org", "-c", "user.name=B", "commit", "-q", "--allow-empty", "-m", "initial");
        Git(seed, "push", "-q", "origin", "HEAD:main");
        return origin;
    }

    /// <summary>A machine's clone under its roots, whose origin says GitHub and fetches from the bare origin.</summary>
    private static void Clone(string origin, string roots)
    {
        var clone = Path.Combine(roots, "bench-repo");
        Git(roots, "clone", "-q", origin, clone);
        Git(clone, "remote", "set-url", "origin", RemoteUrl);
        Git(clone, "config", $"url.{origin}.insteadOf", RemoteUrl);
        Git(clone, "fetch", "-q", "origin");
        Git(clone, "remote", "set-head", "origin", "main");
    }

    private static void Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var git = Process.Start(start)!;
        var error = git.StandardError.ReadToEndAsync();
        git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)}: {error.Result}");
    }

    private static Process StartWorker(string serverDll, Uri server, string key, string dataDir, string home, string roots)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { serverDll, "worker" }) start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("BATON_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        start.Environment["HOME"] = home;
        start.Environment["BATON_URL"] = server.ToString();
        start.Environment["BATON_KEY"] = key;
        start.Environment["BATON_DATA_DIR"] = dataDir;
        start.Environment["BATON_REPO_ROOTS"] = roots;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start baton worker");
        _ = process.StandardOutput.ReadToEndAsync();
        // The worker's log (a timing line per task's start-up) stays in its data directory: BATON_BENCH_KEEP=1 keeps them.
        _ = CopyAsync(process.StandardError, Path.Combine(dataDir, "worker.log"));
        return process;
    }

    private static async Task CopyAsync(StreamReader from, string path)
    {
        await using var to = new StreamWriter(path) { AutoFlush = true };
        while (await from.ReadLineAsync() is { } line) await to.WriteLineAsync(line);
    }

    private static async Task WaitForAgentsAsync(HttpClient http, int count)
    {
        for (var tries = 0; tries < 600; tries++)
        {
            var agents = await GetAsync(http, "/v1/agents");
            if (agents["items"]!.AsArray().Count >= count) return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"the {count} workers did not register their agents within a minute");
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string path, JsonObject body)
    {
        using var response = await http.PostAsync(path, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<JsonNode> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
