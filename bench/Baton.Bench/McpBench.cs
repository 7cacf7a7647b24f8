using System.Diagnostics;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Baton.Bench;

/// <summary>
/// The `baton mcp` figures (issues 4 and 13), run with <c>--mcp</c>. Start-up, as an agent CLI and a person pay it,
/// on the ReadyToRun install the README describes (published into a temp folder, or <c>--published DIR</c> to reuse
/// one): process start to the <c>initialize</c> answer, beside <c>@modelcontextprotocol/server-memory</c> (node,
/// installed from npm into a temp folder when node and npm are here) and <c>baton --version</c> measured in the same
/// rounds; and <c>baton sod</c> in local mode, whole process, beside <c>baton --version</c>. Each figure is the median
/// of <see cref="Starts"/>, the programs taking turns so load hits them alike; CPU time (user + system, read when the
/// answer arrives) is printed too, as it moves less than wall time on a shared machine. Then per-call latency of
/// <c>notes</c> and <c>heartbeat</c> in local mode through the real process over stdio (the SDK's client).
/// </summary>
public static class McpBench
{
    private const int Starts = 15, Calls = 500, SeedNotes = 200;

    private const string InitializeLine =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}""";

    public static async Task<IReadOnlyList<Figure>> RunAsync()
    {
        var root = Directory.CreateTempSubdirectory("baton-mcp-bench-").FullName;
        try
        {
            var home = Path.Combine(root, "home");
            var dataDir = Path.Combine(home, ".local", "share", "baton");
            var repo = Path.Combine(root, "alpha-console");
            Directory.CreateDirectory(dataDir);
            Directory.CreateDirectory(repo);
            await File.WriteAllTextAsync(Path.Combine(dataDir, "ventures.json"),
                """{ "ventures": [ { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["alpha-console"] } ] }""");
            Git(repo, "init", "-q");
            Git(repo, "remote", "add", "origin", "git@github.com:example-org/alpha-console.git");

            var baton = await PublishedBatonAsync(root);
            var figures = new List<Figure>();
            figures.AddRange(await StartupFiguresAsync(baton, root, repo, home));
            // Printed now too: the per-call figures below take minutes, and these are the ones issue 13 is about.
            foreach (var figure in figures) Console.WriteLine($"{figure.Name}: {figure.Value}  (target {figure.Target})");

            await using (var client = await StartAsync(baton, repo, home))
            {
                await CallAsync(client, "sod", new() { ["heal_docs"] = false });
                for (var i = 0; i < SeedNotes; i++)
                {
                    await CallAsync(client, "note", new()
                    {
                        ["title"] = $"Decision {i}",
                        ["content"] = $"Billing decision {i}: invoices go out on day {i % 28 + 1}; the ledger stays in Postgres.",
                        ["tags"] = new[] { i % 10 == 0 ? "executive-summary" : "ops" },
                    });
                }

                // Warm-up so the figures are steady-state calls, not JIT.
                for (var i = 0; i < 50; i++)
                {
                    await CallAsync(client, "heartbeat", new());
                    await CallAsync(client, "notes", new() { ["query"] = "billing ledger" });
                }
                var heartbeat = await TimeCallsAsync(client, "heartbeat", new());
                var notes = await TimeCallsAsync(client, "notes", new() { ["query"] = "billing ledger" });
                figures.Add(new($"MCP heartbeat, local mode p50 ({Calls} calls)", $"{heartbeat.Percentile(50):F2} ms (p99 {heartbeat.Percentile(99):F2} ms)", "≤ 2 ms", heartbeat.Percentile(50) <= 2));
                figures.Add(new($"MCP notes search, local mode p50 ({SeedNotes} notes)", $"{notes.Percentile(50):F2} ms (p99 {notes.Percentile(99):F2} ms)", "≤ 2 ms", notes.Percentile(50) <= 2));
            }
            return figures;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { /* best effort: a temp dir */ }
        }
    }

    private static async Task<Samples> TimeCallsAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var samples = new Samples();
        for (var i = 0; i < Calls; i++)
        {
            var watch = Stopwatch.StartNew();
            await CallAsync(client, tool, arguments);
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }
        return samples;
    }

    private static async Task CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments);
        if (result.IsError == true)
            throw new InvalidOperationException($"{tool} failed: {string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text))}");
    }

    /// <summary>Starts <paramref name="baton"/> <c>mcp</c> and returns once it has answered initialize.</summary>
    private static Task<McpClient> StartAsync(string baton, string repo, string home)
    {
        return McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "baton",
            Command = baton,
            Arguments = ["mcp"],
            WorkingDirectory = repo,
            EnvironmentVariables = new Dictionary<string, string?>
            {
                ["HOME"] = home, ["BATON_URL"] = null, ["BATON_KEY"] = null, ["BATON_DATA_DIR"] = null, ["XDG_DATA_HOME"] = null,
            },
        }), new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "bench", Version = "1.0" },
            // initialize, as the agent CLIs do; left unset, a slow start on a loaded machine can lose the SDK's
            // server/discover probe race (see tests/Baton.Mcp.Tests/Process/ProcessWorld.cs).
            ProtocolVersion = "2025-11-25",
        });
    }

    /// <summary>
    /// Start-up figures: baton mcp and server-memory to their initialize answer, baton --version and baton sod to their
    /// exit, in rounds so each round's load falls on all of them alike.
    /// </summary>
    private static async Task<IReadOnlyList<Figure>> StartupFiguresAsync(string baton, string root, string repo, string home)
    {
        var env = BatonEnvironment(home);
        var memory = await ServerMemoryOrNullAsync(root);
        // The first runs create the store, register the session and fill the disk caches: not what is paid day to day.
        await RunToExitAsync(baton, ["sod", "--agent", "bench"], repo, env);
        await RunToInitializeAsync(baton, ["mcp"], repo, env);
        if (memory is not null) await RunToInitializeAsync(memory.Value.Command, memory.Value.Args, root, memory.Value.Env);

        var (mcp, mcpCpu, version, versionCpu, sod, sodCpu, node, nodeCpu) =
            (new Samples(), new Samples(), new Samples(), new Samples(), new Samples(), new Samples(), new Samples(), new Samples());
        for (var i = 0; i < Starts; i++)
        {
            Add(await RunToInitializeAsync(baton, ["mcp"], repo, env), mcp, mcpCpu);
            if (memory is not null) Add(await RunToInitializeAsync(memory.Value.Command, memory.Value.Args, root, memory.Value.Env), node, nodeCpu);
            Add(await RunToExitAsync(baton, ["--version"], repo, env), version, versionCpu);
            Add(await RunToExitAsync(baton, ["sod", "--agent", "bench"], repo, env), sod, sodCpu);
        }

        var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[0] : "unknown";
        var figures = new List<Figure>();
        var mcpMs = mcp.Percentile(50);
        var beside = memory is null
            ? "server-memory not measured: node/npm not found or the npm install failed"
            : $"server-memory (node) {node.Percentile(50):F0} ms, CPU {nodeCpu.Percentile(50):F0} ms";
        figures.Add(new($"baton mcp start → initialize answer, ReadyToRun (median of {Starts}, load {load})",
            $"{mcpMs:F0} ms, CPU {mcpCpu.Percentile(50):F0} ms; beside it: {beside}; baton --version {version.Percentile(50):F0} ms",
            memory is null ? "≤ 200 ms" : "≤ 200 ms and below server-memory",
            mcpMs <= 200 && (memory is null || mcpMs < node.Percentile(50))));
        var ratio = sod.Percentile(50) / version.Percentile(50);
        figures.Add(new($"baton sod, local mode, whole process (median of {Starts})",
            $"{sod.Percentile(50):F0} ms, CPU {sodCpu.Percentile(50):F0} ms; baton --version {version.Percentile(50):F0} ms, CPU {versionCpu.Percentile(50):F0} ms: {ratio:F2}×",
            "≤ 2× baton --version", ratio <= 2));
        return figures;

        static void Add((double Wall, double Cpu) run, Samples wall, Samples cpu)
        {
            wall.Add(run.Wall);
            cpu.Add(run.Cpu);
        }
    }

    /// <summary>
    /// The baton the README installs: <c>--published DIR</c> when given, else published (framework-dependent,
    /// ReadyToRun, as the README's install line) from this checkout into a temp folder.
    /// </summary>
    internal static async Task<string> PublishedBatonAsync(string root)
    {
        var args = Environment.GetCommandLineArgs();
        var given = Array.IndexOf(args, "--published");
        if (given >= 0 && given + 1 < args.Length) return Path.Combine(Path.GetFullPath(args[given + 1]), "baton");

        var checkout = new DirectoryInfo(AppContext.BaseDirectory);
        while (checkout is not null && !File.Exists(Path.Combine(checkout.FullName, "Baton.slnx"))) checkout = checkout.Parent;
        if (checkout is null) throw new InvalidOperationException("Baton.slnx not found above the bench: pass --published <dir of a published baton>.");
        var output = Path.Combine(root, "published");
        var rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        Console.WriteLine($"Publishing baton (ReadyToRun, {rid}) to {output} …");
        var result = await RunAsync("dotnet", ["publish", Path.Combine(checkout.FullName, "src", "Baton.Cli"), "-c", "Release", "-r", rid,
            "--self-contained", "false", "-p:PublishReadyToRun=true", "-o", output], checkout.FullName, new Dictionary<string, string?>());
        if (result.ExitCode != 0) throw new InvalidOperationException("dotnet publish failed:\n" + result.Output);
        return Path.Combine(output, "baton");
    }

    /// <summary>
    /// <c>@modelcontextprotocol/server-memory</c> installed from npm into a temp folder, run with node directly (no npx
    /// in the timed path); null, with the reason printed, when node or npm is missing or the install fails.
    /// </summary>
    private static async Task<(string Command, string[] Args, Dictionary<string, string?> Env)?> ServerMemoryOrNullAsync(string root)
    {
        var folder = Path.Combine(root, "npm");
        Directory.CreateDirectory(folder);
        try
        {
            var install = await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--silent", "@modelcontextprotocol/server-memory"], folder,
                new Dictionary<string, string?>());
            if (install.ExitCode != 0)
            {
                Console.WriteLine("server-memory not measured: npm install failed:\n" + install.Output);
                return null;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine("server-memory not measured: npm is not installed.");
            return null;
        }
        var package = Path.Combine(folder, "node_modules", "@modelcontextprotocol", "server-memory");
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(package, "package.json")));
        var bin = manifest.RootElement.GetProperty("bin").GetProperty("mcp-server-memory").GetString()!;
        return ("node", [Path.Combine(package, bin)], new Dictionary<string, string?> { ["MEMORY_FILE_PATH"] = Path.Combine(root, "memory.jsonl") });
    }

    private static Dictionary<string, string?> BatonEnvironment(string home) => new()
    {
        ["HOME"] = home, ["BATON_URL"] = null, ["BATON_KEY"] = null, ["BATON_DATA_DIR"] = null, ["XDG_DATA_HOME"] = null, ["BATON_AGENT"] = null,
    };

    private static ProcessStartInfo StartInfo(string command, IEnumerable<string> args, string directory, IReadOnlyDictionary<string, string?> env)
    {
        var start = new ProcessStartInfo(command)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in env)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        return start;
    }

    /// <summary>Spawn → the first line on stdout answering initialize; wall time and the process's CPU time at that moment.</summary>
    private static async Task<(double Wall, double Cpu)> RunToInitializeAsync(string command, IEnumerable<string> args, string directory, IReadOnlyDictionary<string, string?> env)
    {
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(StartInfo(command, args, directory, env))!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteLineAsync(InitializeLine);
        await process.StandardInput.FlushAsync();
        var line = await process.StandardOutput.ReadLineAsync();
        var wall = watch.Elapsed.TotalMilliseconds;
        var cpu = process.TotalProcessorTime.TotalMilliseconds;
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        if (line is null || !line.Contains("\"result\"", StringComparison.Ordinal))
            throw new InvalidOperationException($"{command} did not answer initialize: {line}\n{await stderr}");
        return (wall, cpu);
    }

    /// <summary>Spawn → exit, with the process's CPU time; a failing run stops the bench.</summary>
    private static async Task<(double Wall, double Cpu)> RunToExitAsync(string command, IEnumerable<string> args, string directory, IReadOnlyDictionary<string, string?> env)
    {
        var cpuBefore = ChildrenCpuMs();
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(StartInfo(command, args, directory, env))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var wall = watch.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0) throw new InvalidOperationException($"{command} {string.Join(' ', args)} exited {process.ExitCode}:\n{await stdout}{await stderr}");
        // The whole run's CPU, its git children included: what the reaped children of this process used meanwhile.
        return (wall, ChildrenCpuMs() - cpuBefore);
    }

    /// <summary>User + system CPU of this process's reaped children (and theirs), from getrusage(RUSAGE_CHILDREN); NaN off Linux.</summary>
    internal static double ChildrenCpuMs()
    {
        if (!OperatingSystem.IsLinux() || GetRUsage(-1, out var usage) != 0) return double.NaN;
        return (usage.UserSeconds + usage.SystemSeconds) * 1000.0 + (usage.UserMicroseconds + usage.SystemMicroseconds) / 1000.0;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, out RUsage usage);

    /// <summary>struct rusage on 64-bit Linux: two timevals, then fourteen longs this bench does not read.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, Ixrss, Idrss, Isrss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string command, IEnumerable<string> args, string directory, IReadOnlyDictionary<string, string?> env)
    {
        using var process = Process.Start(StartInfo(command, args, directory, env))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static void Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var git = Process.Start(start)!;
        git.WaitForExit();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {git.StandardError.ReadToEnd()}");
    }
}
