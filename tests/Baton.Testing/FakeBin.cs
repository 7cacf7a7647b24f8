namespace Baton.Testing;

/// <summary>
/// A directory of fake executables: small shell scripts standing in for <c>gh</c>, <c>infisical</c>, <c>tmux</c> and
/// the agent CLIs, so a test controls what they print and exit with and can read back how they were called. The test
/// puts the directory first on PATH (<see cref="SearchPath"/>) or names a script's path as the command to run.
/// </summary>
public sealed class FakeBin
{
    public FakeBin(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    public string Directory { get; }

    /// <summary>PATH with this directory first, then the PATH the tests run with (for the real git, sh, dotnet).</summary>
    public string SearchPath => Directory + System.IO.Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");

    /// <summary>Writes (or replaces) the executable <paramref name="name"/> with <paramref name="script"/>; returns its path.</summary>
    public string Write(string name, string script)
    {
        var path = System.IO.Path.Combine(Directory, name);
        // LF only, whatever the checkout's line endings: the kernel would look for an interpreter named "/bin/sh\r".
        var body = script.Replace("\r\n", "\n");
        File.WriteAllText(path, body.EndsWith('\n') ? body : body + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Removes the executable <paramref name="name"/>, for a test of what happens when the tool is not installed.</summary>
    public void Remove(string name) => File.Delete(System.IO.Path.Combine(Directory, name));
}
