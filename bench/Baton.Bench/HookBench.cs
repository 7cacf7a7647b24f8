using System.Diagnostics;

namespace Baton.Bench;

/// <summary>
/// The `baton hook` figures (issue 15), run with <c>--hook</c>: whole process start → exit of <c>baton hook claude</c>
/// with a typical PreToolUse payload on stdin, as Claude Code runs it, beside <c>baton --version</c> in the same rounds
/// (the programs take turns so load hits them alike), on the ReadyToRun install (<c>--published DIR</c> to reuse one).
/// Variants: the server up (a real <c>baton serve</c>), the server down (nothing listening), the sender off
/// (<c>BATON_HOOK_FLUSH=off</c>: the append alone), and a detached sender started on every call (its backoff file
/// removed before each run: the worst case of the hook's own cost). <c>--published-before DIR</c> adds another build's
/// hook (e.g. without the fast path) to the same rounds, for an A/B. Target: p99 ≤ 1.3 × <c>baton --version</c>'s p99.
/// </summary>
public static class HookBench
{
    /// <summary>Calls of each variant (<c>--rounds N</c>; default 40): a p99 of 40 is the second-slowest call, so a quiet run wants more.</summary>
    private static readonly int Rounds = ArgValue("--rounds") is { } n ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 40;

    private const string PreToolUse = """
        {"session_id":"9b2f7c1e-5d4a-4c1b-8f7e-2a6d3c9e1b40","transcript_path":"/home/u/.claude/projects/-home-u-dev-alpha-console/9b2f7c1e.jsonl","cwd":"/home/u/dev/alpha-console","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"dotnet test tests/Baton.Cli.Tests --filter Hooks","description":"Run the hook tests","timeout":120000},"tool_use_id":"toolu_01ABCDEF"}
        """;

    public static async Task<IReadOnlyList<Figure>> RunAsync()
    {
        var root = Directory.CreateTempSubdirectory("baton-hook-bench-").FullName;
        try
        {
            var baton = await McpBench.PublishedBatonAsync(root);
            var before = ArgValue("--published-before") is { } dir ? Path.Combine(Path.GetFullPath(dir), "baton") : null;
            var home = Path.Combine(root, "home");
            var serverDir = Path.Combine(root, "server");
            Directory.CreateDirectory(home);
            Directory.CreateDirectory(serverDir);
            await File.WriteAllTextAsync(Path.Combine(serverDir, "ventures.json"),
                """{ "ventures": [ { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["alpha-console"] } ] }""");
            await using var server = await BenchServer.StartAsync(serverDir, inProcess: false);

            Dictionary<string, string?> Env(string data, string? url, bool flush = true) => new()
            {
                ["HOME"] = home, ["BATON_DATA_DIR"] = Path.Combine(root, data), ["BATON_URL"] = url, ["BATON_KEY"] = server.Key,
                ["XDG_DATA_HOME"] = null, ["BATON_AGENT"] = null, ["BATON_HOOK_FLUSH"] = flush ? null : "off",
            };
            var up = Env("up", server.BaseAddress.ToString());
            var down = Env("down", "http://127.0.0.1:9");
            var off = Env("off", "http://127.0.0.1:9", flush: false);
            var spawn = Env("spawn", "http://127.0.0.1:9");
            var old = Env("before", "http://127.0.0.1:9", flush: false);
            string[] hook = ["hook", "claude"];

            // The first runs create the outboxes and fill the disk caches: not what is paid at every tool call.
            await RunAsync(baton, ["--version"], home, up, null);
            foreach (var env in new[] { up, down, off, spawn }) await RunAsync(baton, hook, home, env, PreToolUse);
            if (before is not null) await RunAsync(before, hook, home, old, PreToolUse);

            var (version, hookUp, hookDown, hookOff, hookSpawn, hookBefore) = (new Run(), new Run(), new Run(), new Run(), new Run(), new Run());
            for (var i = 0; i < Rounds; i++)
            {
                version.Add(await RunAsync(baton, ["--version"], home, up, null));
                hookUp.Add(await RunAsync(baton, hook, home, up, PreToolUse));
                hookDown.Add(await RunAsync(baton, hook, home, down, PreToolUse));
                hookOff.Add(await RunAsync(baton, hook, home, off, PreToolUse));
                File.Delete(Path.Combine(root, "spawn", "outbox.backoff"));
                hookSpawn.Add(await RunAsync(baton, hook, home, spawn, PreToolUse));
                if (before is not null) hookBefore.Add(await RunAsync(before, hook, home, old, PreToolUse));
            }

            var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[0] : "unknown";
            var reference = version.Wall.Percentile(99);
            Figure Of(string name, Run run, bool target) => new(
                $"baton hook claude PreToolUse, {name} (p50 / p99 of {Rounds}, load {load})",
                $"{run.Wall.Percentile(50):F1} / {run.Wall.Percentile(99):F1} ms (CPU {run.Cpu.Percentile(50):F0} / {run.Cpu.Percentile(99):F0} ms); " +
                $"baton --version {version.Wall.Percentile(50):F1} / {reference:F1} ms (CPU {version.Cpu.Percentile(50):F0} / {version.Cpu.Percentile(99):F0} ms): " +
                $"p99 {run.Wall.Percentile(99) / reference:F2}×, CPU p50 {run.Cpu.Percentile(50) / version.Cpu.Percentile(50):F2}×",
                target ? "p99 ≤ 1.3× baton --version" : null,
                target ? run.Wall.Percentile(99) <= 1.3 * reference : null);
            var figures = new List<Figure>
            {
                Of("server up", hookUp, true),
                Of("server down", hookDown, true),
                Of("sender off (append only)", hookOff, false),
                Of("detached sender started every call", hookSpawn, false),
            };
            if (before is not null) figures.Add(Of("--published-before build", hookBefore, false));
            return figures;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { /* best effort: a temp dir; a lingering sender may still hold a file */ }
        }
    }

    private static string? ArgValue(string name)
    {
        var args = Environment.GetCommandLineArgs();
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Wall time of each run, and its CPU (user + system: moves less than wall time on a shared machine).</summary>
    private sealed class Run
    {
        public Samples Wall { get; } = new();
        public Samples Cpu { get; } = new();

        public void Add((double Wall, double Cpu) run)
        {
            Wall.Add(run.Wall);
            Cpu.Add(run.Cpu);
        }
    }

    /// <summary>Spawn → exit in milliseconds and the process's CPU, with <paramref name="input"/> on stdin; a run that fails stops the bench.</summary>
    private static async Task<(double Wall, double Cpu)> RunAsync(string command, string[] args, string directory, IReadOnlyDictionary<string, string?> env, string? input)
    {
        var start = new ProcessStartInfo(command)
        {
            WorkingDirectory = directory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in env)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        var cpuBefore = McpBench.ChildrenCpuMs();
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var ms = watch.Elapsed.TotalMilliseconds;
        // The detached sender a hook starts is not this process's child once the hook exits: only the hook is counted.
        var cpu = McpBench.ChildrenCpuMs() - cpuBefore;
        if (process.ExitCode != 0 || (args[0] == "hook" && (await stdout).Length > 0))
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} exited {process.ExitCode}:\n{await stdout}{await stderr}");
        return (ms, cpu);
    }
}
