using System.Diagnostics;
using Baton.Core.Claims;

namespace Baton.Core.Tests.Claims;

/// <summary>
/// The claims' wildmatch against git itself: each pattern is written to a .gitignore of a temp repository and
/// <c>git check-ignore --no-index</c> says which paths it matches; ours must say the same for every path.
/// </summary>
public class WildmatchTests
{
    private static readonly string[] Paths =
    [
        "README.md", "docs/README.md", "docs/guide/intro.md", "src/a.cs", "src/b.md", "src/Claims/Claim.cs", "src/Claims/Rules/x.cs",
        "src/Claims", "build/x.o", "src/build/y.o", "foo", "foo/bar", "a/b", "a/x/b", "a/x/y/b", "ab", "a1.txt", "ab.txt", "a].txt",
        "x/a.cs/y.txt", "tests/Baton.Core.Tests/Claims/WildmatchTests.cs", "a*b", "Makefile", "lib/[x].c",
    ];

    public static TheoryData<string> Patterns => new()
    {
        "*.md", "/README.md", "README.md", "docs/", "docs/*.md", "docs/**", "docs/**/*.md", "src/*.cs", "src/**", "**/*.cs", "**/Claims",
        "src/Claims/**", "src/**/x.cs", "build/", "a/**/b", "a?.txt", "a[0-9].txt", "a[!0-9].txt", "a[]].txt", "[[:alpha:]]b.txt",
        "src", "foo/", "*", "a\\*b", "lib/\\[x].c", "Make*", "**", "a/*", "tests/**/*Tests.cs", "*.cs", "src/**/", "[Mm]akefile",
    };

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Matches_AgreesWithGitCheckIgnore(string pattern)
    {
        var ignoredByGit = GitIgnored(pattern);

        foreach (var path in Paths)
            Assert.True(ignoredByGit.Contains(path) == Wildmatch.Matches(pattern, path), $"pattern {pattern} on {path}: git says {ignoredByGit.Contains(path)}");
    }

    [Theory]
    [InlineData("src/Claims/**", "src/Claims/Claim.cs", true)]
    [InlineData("src/Claims/**", "src/Claims", false)]
    [InlineData("/README.md", "docs/README.md", false)]
    [InlineData("README.md", "docs/README.md", true)]
    [InlineData("a/**/b", "a/b", true)]
    [InlineData("docs/", "docs", false)]
    [InlineData("docs/", "docs/x.md", true)]
    [InlineData("*.cs", "x/a.cs/y.txt", true)]
    public void Matches_KnownCases(string pattern, string path, bool expected) => Assert.Equal(expected, Wildmatch.Matches(pattern, path));

    private static HashSet<string> GitIgnored(string pattern)
    {
        var repo = Directory.CreateTempSubdirectory("baton-wildmatch-");
        try
        {
            Git(repo.FullName, null, "init", "-q");
            File.WriteAllText(Path.Combine(repo.FullName, ".gitignore"), pattern + "\n");
            var output = Git(repo.FullName, string.Join('\n', Paths) + "\n", "check-ignore", "--no-index", "--stdin", "-v", "-n");
            var ignored = new HashSet<string>(StringComparer.Ordinal);
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var tab = line.IndexOf('\t', StringComparison.Ordinal);
                if (!line.StartsWith("::", StringComparison.Ordinal)) ignored.Add(line[(tab + 1)..]);
            }
            return ignored;
        }
        finally
        {
            repo.Delete(recursive: true);
        }
    }

    private static string Git(string directory, string? input, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Quoting would turn "a]" or odd names into C-style strings; the paths here need none, but say so.
        start.Environment["GIT_CONFIG_COUNT"] = "1";
        start.Environment["GIT_CONFIG_KEY_0"] = "core.quotePath";
        start.Environment["GIT_CONFIG_VALUE_0"] = "false";
        using var git = Process.Start(start)!;
        if (input is not null) git.StandardInput.Write(input);
        git.StandardInput.Close();
        var output = git.StandardOutput.ReadToEndAsync();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        // check-ignore exits 1 when nothing matched (with -n it still prints every path).
        if (git.ExitCode > 1) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
        return output.Result;
    }
}
