namespace Baton.Server;

/// <summary>
/// The data directory must exist and take writes before anything is opened in it: the store, <c>admin.key</c> and the
/// SQLite journal all live there. Checked by writing (and removing) a small file, so a read-only mount, a missing
/// permission or an immutable directory is reported in one line instead of a stack trace from deep inside SQLite.
/// </summary>
internal static class DataDirectory
{
    /// <exception cref="ServerStartException">The directory cannot be created or written; the message names it and why.</exception>
    public static void EnsureWritable(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ServerStartException($"the data directory {path} cannot be created: {Reason(ex)}. Pass another --data-dir (BATON_DATA_DIR) or fix its parent.", ex);
        }

        var probe = Path.Combine(path, $".baton-write-check-{Environment.ProcessId}");
        try
        {
            using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ServerStartException($"the data directory {path} is not writable: {Reason(ex)}. Make it writable by this user or pass another --data-dir (BATON_DATA_DIR).", ex);
        }
    }

    /// <summary>What the operating system said, without the path (the message names it once).</summary>
    private static string Reason(Exception ex) => ex switch
    {
        UnauthorizedAccessException => "permission denied",
        DirectoryNotFoundException => "a part of the path does not exist",
        IOException io when io.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) => "read-only file system",
        IOException io when io.Message.Contains("Not a directory", StringComparison.OrdinalIgnoreCase) => "a part of the path is a file, not a directory",
        IOException io when io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) => "the disk is full",
        _ => ex.Message.Split(" : ", 2)[0].Trim().TrimEnd('.'),
    };
}
