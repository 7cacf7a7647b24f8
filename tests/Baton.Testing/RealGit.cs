using System.Diagnostics;

namespace Baton.Testing;

/// <summary>The real git, run in a directory: tests build temp repositories with it instead of faking git.</summary>
public static class RealGit
{
    /// <summary>Runs git in <paramref name="directory"/> and returns what it printed; throws with git's error when it fails.</summary>
    public static string Run(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var git = Process.Start(start)!;
        // Both streams at once: git blocks once the pipe of the one nobody reads is full.
        var output = git.StandardOutput.ReadToEndAsync();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
        return output.Result;
    }
}
