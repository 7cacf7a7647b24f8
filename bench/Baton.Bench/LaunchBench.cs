using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Baton.Bench;

/// <summary>
/// The `baton launch` figures (issue 5), run with <c>--launch</c>: the built baton launching a fake agent (a shell
/// script that exits at once) in local mode with env-file secrets, as on a warm machine. Three medians of
/// <see cref="Runs"/>: the whole process as a person waits for it; Baton's own part as launch reports it (from its
/// start to the agent's spawn, .NET start-up excluded); and the fake agent alone, the floor no launcher can go under.
/// </summary>
public static partial class LaunchBench
{
    private const int Runs = 10;

    public static async Task<IReadOnlyList<Figure>> RunAsync()
    {
        var root = Directory.CreateTempSubdirectory("baton-launch-bench-").FullName;
        try
        {
            var home = Path.Combine(root, "home");
            var dataDir = Path.Combine(home, ".local", "share", "baton");
            var repo = Path.Combine(root, "dev", "alpha-console");
            var bin = Path.Combine(root, "bin");
            foreach (var directory in new[] { dataDir, repo, bin }) Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(Path.Combine(dataDir, "ventures.json"),
                """{ "ventures": [ { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["alpha-console"] } ] }""");
            var envFile = Path.Combine(root, "alpha.env");
            await File.WriteAllTextAsync(envFile, "BATON_KEY=bk_bench\nDATABASE_URL=postgres://bench\n");
            await File.WriteAllTextAsync(Path.Combine(dataDir, "launch.json"),
                """{"ventures":{"alpha":{"secrets":{"provider":"env-file","file":"ENV_FILE"}}}}""".Replace("ENV_FILE", envFile));
            var agent = Path.Combine(bin, "claude");
            await File.WriteAllTextAsync(agent, "#!/bin/sh\nexit 0\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Git(repo, "init", "-q");
            Git(repo, "remote", "add", "origin", "git@github.com:example-org/alpha-console.git");

            var env = new Dictionary<string, string?>
            {
                ["HOME"] = home, ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
                ["BATON_REPO_ROOTS"] = Path.Combine(root, "dev"),
                ["BATON_URL"] = null, ["BATON_KEY"] = null, ["BATON_DATA_DIR"] = null, ["XDG_DATA_HOME"] = null,
            };
            var (command, prefix) = BatonCommand();

            // The first launch creates the store and registers MCP; what is timed is the day-to-day launch after it.
            await RunAsync(command, [.. prefix, "launch", "alpha"], repo, env);
            var whole = new Samples();
            var own = new Samples();
            var floor = new Samples();
            for (var i = 0; i < Runs; i++)
            {
                var watch = Stopwatch.StartNew();
                var stderr = await RunAsync(command, [.. prefix, "launch", "alpha"], repo, env);
                whole.Add(watch.Elapsed.TotalMilliseconds);
                var reported = OwnTime().Match(stderr);
                if (!reported.Success) throw new InvalidOperationException("launch printed no timing:\n" + stderr);
                own.Add(double.Parse(reported.Groups[1].Value, CultureInfo.InvariantCulture));

                watch.Restart();
                await RunAsync(agent, [], repo, env);
                floor.Add(watch.Elapsed.TotalMilliseconds);
            }
            var ownMedian = own.Percentile(50);
            return
            [
                new($"baton launch, whole process to agent exit (median of {Runs})", $"{whole.Percentile(50):F0} ms"),
                new($"baton launch, Baton's own part: start of launch to spawn (median of {Runs})", $"{ownMedian:F0} ms", "< 1000 ms", ownMedian < 1000),
                new($"fake agent alone (median of {Runs})", $"{floor.Percentile(50):F1} ms"),
            ];
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { /* best effort: a temp dir */ }
        }
    }

    /// <summary>The apphost next to this program when there is one (as a person runs baton), else <c>dotnet baton.dll</c>.</summary>
    private static (string Command, string[] Prefix) BatonCommand()
    {
        var apphost = Path.Combine(AppContext.BaseDirectory, "baton");
        return File.Exists(apphost) ? (apphost, []) : ("dotnet", [Path.Combine(AppContext.BaseDirectory, "baton.dll")]);
    }

    private static async Task<string> RunAsync(string command, string[] args, string directory, IReadOnlyDictionary<string, string?> env)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in env)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await stdout;
        if (process.ExitCode != 0) throw new InvalidOperationException($"{command} {string.Join(' ', args)} exited {process.ExitCode}:\n{await stderr}");
        return await stderr;
    }

    private static void Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var git = Process.Start(start)!;
        git.WaitForExit();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {git.StandardError.ReadToEnd()}");
    }

    // launch's own report: "… MCP already in <path>. (12 ms)"
    [GeneratedRegex(@"\((\d+) ms\)\s*$", RegexOptions.Multiline)]
    private static partial Regex OwnTime();
}
