using System.Diagnostics;

namespace Baton.Cli.Tests.Process;

/// <summary>
/// A scratch world for the built <c>baton</c>: a temp HOME (so the default data directory is under it), a real git
/// repository whose origin is <c>git@github.com:example-org/alpha-console.git</c>, and a ventures.json in the data dir.
/// </summary>
public sealed class Workspace : IDisposable
{
    public const string VenturesJson = """
        {
          "ventures": [
            { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["alpha-console"],
              "capabilities": ["has_api"], "secrets_path": "/alpha", "platform": false, "note_tags": [] },
            { "code": "beta", "name": "Project Beta", "org": "example-org", "repos": ["beta-web"] }
          ]
        }
        """;

    private readonly TempDirectory _root = new("baton-cli-");

    public Workspace()
    {
        Home = Path.Combine(Root, "home");
        Repo = Path.Combine(Root, "alpha-console");
        DataDir = Path.Combine(Home, ".local", "share", "baton");
        Directory.CreateDirectory(DataDir);
        Directory.CreateDirectory(Repo);
        File.WriteAllText(Path.Combine(DataDir, "ventures.json"), VenturesJson);
        Git("init", "-q");
        Git("remote", "add", "origin", "git@github.com:example-org/alpha-console.git");
    }

    public string Root => _root.Path;
    public string Home { get; }
    public string Repo { get; }
    public string DataDir { get; }

    /// <summary>Extra environment for every run (BATON_URL, BATON_KEY, …).</summary>
    public Dictionary<string, string> Environment { get; } = new();

    public Task<CliResult> RunAsync(params string[] args) => BatonProcess.RunAsync(StartInfo(Environment, args));

    public Task<CliResult> RunWithAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        BatonProcess.RunAsync(StartInfo(environment, args));

    /// <summary>Runs with <paramref name="input"/> piped to standard input.</summary>
    public Task<CliResult> RunWithInputAsync(string input, params string[] args) => BatonProcess.RunAsync(StartInfo(Environment, args), input);

    /// <summary>Starts <c>baton serve</c> on a free loopback port over this workspace's data directory (unless <paramref name="extraArgs"/> name another).</summary>
    public Task<ServeProcess> StartServeAsync(params string[] extraArgs) =>
        ServeProcess.StartAsync(StartInfo(new Dictionary<string, string>(), ["serve", "--listen", "127.0.0.1:0", "--rate-limit", "0", .. extraArgs]));

    /// <summary><c>baton <paramref name="args"/></c> in the repo, with this workspace's HOME unless <paramref name="environment"/> sets another.</summary>
    public ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        var settings = new Dictionary<string, string> { ["HOME"] = Home };
        foreach (var (name, value) in environment) settings[name] = value;
        return BatonProcess.StartInfo(Repo, settings, args);
    }

    /// <summary>Runs git in the repo and returns what it printed.</summary>
    public string Git(params string[] args) => RealGit.Run(Repo, args);

    public void Dispose() => _root.Dispose();
}
