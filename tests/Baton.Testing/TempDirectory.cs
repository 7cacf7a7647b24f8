namespace Baton.Testing;

/// <summary>
/// A new directory under the system temp folder, deleted with everything in it on dispose. Created by
/// <see cref="Directory.CreateTempSubdirectory"/>: a name no other test can take, readable by this user only.
/// </summary>
public sealed class TempDirectory(string prefix = "baton-tests-") : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a process may still be closing files; a leftover temp folder is not worth failing a test over */ }
    }
}
