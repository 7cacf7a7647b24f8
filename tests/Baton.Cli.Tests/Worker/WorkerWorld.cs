using Baton.Client;
using Baton.Core.Orchestration;
using Baton.Core.Orchestration.Tasks;

namespace Baton.Cli.Tests.Worker;

/// <summary>
/// A machine for <c>baton worker</c>, all real but the agent CLIs and gh: a bare git repository as origin and a clone
/// of it under the repo roots (its origin URL says <c>git@github.com:example-org/alpha-console.git</c>, rewritten by
/// <c>url.insteadOf</c> to the bare repository, so the worker finds it as GitHub's and pushes really land), a real
/// <c>baton serve</c> with short leases, the fake claude/gemini/codex and gh first on PATH, and a typed client for
/// what the tests read back.
/// </summary>
public sealed class WorkerWorld : IAsyncDisposable
{
    public const string Repo = "example-org/alpha-console";
    public const string RemoteUrl = "git@github.com:example-org/alpha-console.git";

    private readonly TempDirectory _root = new("baton-worker-");
    private readonly List<WorkerProcess> _workers = [];

    public const string DefaultVentures = """{"ventures":[{"code":"alpha","name":"Project Alpha","org":"example-org","repos":["alpha-console"]}]}""";

    private string[] _serveArgs = [];

    private WorkerWorld(string venturesJson, bool fakeGitHub)
    {
        Home = Path.Combine(Root, "home");
        Roots = Path.Combine(Home, "dev");
        Clone = Path.Combine(Roots, "alpha-console");
        Origin = Path.Combine(Root, "origin.git");
        ServerData = Path.Combine(Root, "server");
        WorkerData = Path.Combine(Home, ".local", "share", "baton");
        foreach (var dir in new[] { Roots, ServerData, WorkerData }) Directory.CreateDirectory(dir);
        Agents = new FakeAgentClis(Path.Combine(Root, "bin"));
        Gh = new FakeGh(Agents.Bin.Directory);
        // The workflow tests' GitHub: stateful, and first on PATH for the server (its engine runs gh) and the workers.
        if (fakeGitHub) GitHub = new FakeGitHub(Path.Combine(Root, "gh-bin"));

        RealGit.Run(Root, "init", "-q", "--bare", "-b", "main", Origin);
        RealGit.Run(Roots, "clone", "-q", Origin, Clone);
        Git("-c", "user.email=dev@example.org", "-c", "user.name=Dev", "commit", "-q", "--allow-empty", "-m", "initial");
        Git("push", "-q", "origin", "HEAD:main");
        Git("remote", "set-url", "origin", RemoteUrl);
        Git("config", $"url.{Origin}.insteadOf", RemoteUrl);
        Git("fetch", "-q", "origin");
        Git("remote", "set-head", "origin", "main");
        // The fake agents commit in their worktrees: they need an identity like any machine's git.
        File.WriteAllText(Path.Combine(Home, ".gitconfig"), "[user]\n\temail = agent@example.org\n\tname = Agent\n");
        File.WriteAllText(Path.Combine(ServerData, "ventures.json"), venturesJson);
    }

    public string Root => _root.Path;
    public string Home { get; }
    public string Roots { get; }
    public string Clone { get; }
    public string Origin { get; }
    public string ServerData { get; }
    public string WorkerData { get; }
    public FakeAgentClis Agents { get; }
    public FakeGh Gh { get; }
    /// <summary>The stateful fake gh, when the world was started with one (workflows); null otherwise.</summary>
    public FakeGitHub? GitHub { get; }
    public ServeProcess Server { get; private set; } = null!;
    public string AdminKey { get; private set; } = "";
    public BatonHttpClient Client { get; private set; } = null!;

    /// <summary>A world with its server started (leases of <paramref name="leaseSeconds"/>).</summary>
    /// <param name="postgresUrl">A PostgreSQL connection string: the server runs on it (<c>--store postgres</c>) instead of its SQLite file.</param>
    public static async Task<WorkerWorld> StartAsync(int leaseSeconds = 60, string venturesJson = DefaultVentures, bool fakeGitHub = false, string? postgresUrl = null)
    {
        var world = new WorkerWorld(venturesJson, fakeGitHub);
        world._serveArgs = ["serve", "--rate-limit", "0", "--health-probe-seconds", "0", "--lease-seconds", leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. postgresUrl is null ? Array.Empty<string>() : ["--store", "postgres", "--store-url", postgresUrl]];
        world.Server = await ServeProcess.StartAsync(world.ServeStart("127.0.0.1:0"));
        world.AdminKey = world.Server.ReadAdminKey();
        world.Client = new BatonHttpClient(new BatonClientOptions { BaseAddress = world.Server.BaseAddress, Key = world.AdminKey });
        return world;
    }

    private System.Diagnostics.ProcessStartInfo ServeStart(string listen)
    {
        var environment = new Dictionary<string, string> { ["HOME"] = Home, ["BATON_DATA_DIR"] = ServerData };
        if (GitHub is not null) environment["PATH"] = GitHub.Bin.SearchPath;
        return BatonProcess.StartInfo(Root, environment, [.. _serveArgs, "--listen", listen]);
    }

    /// <summary>kill -9 of the server: nothing of it runs its shutdown (no flush, no goodbye).</summary>
    public async Task KillServerAsync()
    {
        Server.Kill();
        await Server.WaitForExitAsync();
        await Server.DisposeAsync();
    }

    /// <summary>Starts the server again on the same data directory and port, so the workers and the client find it where it was.</summary>
    public async Task RestartServerAsync()
    {
        var address = Server.BaseAddress;
        Server = await ServeProcess.StartAsync(ServeStart($"{address.Host}:{address.Port}"));
    }

    /// <summary>Writes <paramref name="workerJson"/> to a data directory of its own and starts <c>baton worker</c> there.</summary>
    public WorkerProcess StartWorker(string workerJson, string name = "a", params string[] extraArgs) => StartWorker(workerJson, name, null, extraArgs);

    /// <summary>As <see cref="StartWorker(string, string, string[])"/>, with more environment (e.g. <see cref="FakeAgentClis.DirectivesVariable"/>).</summary>
    public WorkerProcess StartWorker(string workerJson, string name, IReadOnlyDictionary<string, string>? environment, params string[] extraArgs)
    {
        var dataDir = Path.Combine(WorkerData, name);
        Directory.CreateDirectory(dataDir);
        File.WriteAllText(Path.Combine(dataDir, "worker.json"), workerJson);
        var start = BatonProcess.StartInfo(Home, new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["BATON_URL"] = Server.BaseAddress.ToString(),
            ["BATON_KEY"] = AdminKey,
            ["BATON_DATA_DIR"] = dataDir,
            ["BATON_REPO_ROOTS"] = Roots,
            ["GIT_CONFIG_NOSYSTEM"] = "1",
        }, ["worker", "--kill-after", "2", .. extraArgs]);
        Agents.ApplyTo(start, "BATON_TRACK", "BATON_AGENT", "BATON_VENTURE", "BATON_URL", "ALPHA_TOKEN");
        if (GitHub is not null) start.Environment["PATH"] = GitHub.Bin.Directory + Path.PathSeparator + start.Environment["PATH"];
        foreach (var (variable, value) in environment ?? new Dictionary<string, string>()) start.Environment[variable] = value;
        var worker = WorkerProcess.Start(start);
        _workers.Add(worker);
        return worker;
    }

    public string WorkerDataDir(string name) => Path.Combine(WorkerData, name);

    /// <summary>Runs a baton verb to its end as worker <paramref name="name"/>'s machine would.</summary>
    public Task<CliResult> RunBatonAsync(string name, params string[] args) =>
        BatonProcess.RunAsync(BatonProcess.StartInfo(Home, new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["BATON_URL"] = Server.BaseAddress.ToString(),
            ["BATON_KEY"] = AdminKey,
            ["BATON_DATA_DIR"] = WorkerDataDir(name),
        }, args));

    public Task<BatonTask> AddTaskAsync(string title, string prompt, string capability = "code", int timeoutSeconds = 120, string? payload = null, double? maxCost = null, int maxAttempts = 3) =>
        Client.CreateTaskAsync(new CreateTaskRequest("alpha", capability, title, Repo, prompt,
            payload is null ? null : System.Text.Json.Nodes.JsonNode.Parse(payload)!.AsObject(),
            TimeoutSeconds: timeoutSeconds, MaxAttempts: maxAttempts, MaxCostUsd: maxCost), TestTimeouts.Token());

    /// <summary>Polls the task (the server's answer, not a sleep of a guessed length) until <paramref name="done"/> holds.</summary>
    public async Task<BatonTask> WaitForTaskAsync(string id, Func<BatonTask, bool> done, string what)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        BatonTask task;
        while (!done(task = await Client.GetTaskAsync(id, timeout.Token)))
        {
            try
            {
                await Task.Delay(100, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"task {id} never became {what}: it is {task.State}\n--- workers\n{string.Join("\n---\n", _workers.Select(w => w.Output))}");
            }
        }
        return task;
    }

    public string Git(params string[] args) => RealGit.Run(Clone, args);

    /// <summary>A process that is gone, or a zombie nobody reaped yet (a container's pid 1 may not), is not alive.</summary>
    public static bool Alive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Puts <paramref name="branch"/> on origin as another machine would: main plus one commit adding
    /// <paramref name="files"/> (path → content), pushed from a scratch clone; answers that commit.
    /// </summary>
    public string PushBranchToOrigin(string branch, IReadOnlyDictionary<string, string> files)
    {
        var scratch = Path.Combine(Root, "pusher-" + branch.Replace('/', '-'));
        RealGit.Run(Root, "clone", "-q", Origin, scratch);
        RealGit.Run(scratch, "checkout", "-q", "-b", branch);
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(scratch, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
            RealGit.Run(scratch, "add", path);
        }
        RealGit.Run(scratch, "-c", "user.email=dev@example.org", "-c", "user.name=Dev", "commit", "-q", "-m", "earlier work on " + branch);
        RealGit.Run(scratch, "push", "-q", "origin", branch);
        return RealGit.Run(scratch, "rev-parse", "HEAD").Trim();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers) await worker.DisposeAsync();
        Client?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        _root.Dispose();
    }
}
