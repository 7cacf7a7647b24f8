using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Keys;


namespace Baton.Server.Hosting;

/// <summary>
/// The first admin key of a fresh data directory. It is written to <c>&lt;data-dir&gt;/admin.key</c>, readable by the
/// owner only (0600), and only the path is ever printed: a key in a terminal or a journal is a leaked key.
/// </summary>
internal static class AdminKeyFile
{
    public const string FileName = "admin.key";

    /// <summary>Mints and writes the admin key when the store has none; returns the key file's path when it exists.</summary>
    public static async Task<string?> EnsureAsync(IKeyStore keys, BatonServiceFactory factory, string dataDir, TextWriter output, CancellationToken ct)
    {
        var path = Path.Combine(dataDir, FileName);
        if (await keys.AnyAdminKeyAsync(ct))
            return File.Exists(path) ? path : null;

        var (created, stored) = await factory.MintKeyAsync(KeyRole.Admin, "admin", createdBy: "baton serve", ct);
        try
        {
            WriteOwnerOnly(path, created.Key + "\n");
        }
        catch
        {
            // A key nobody can read would make the next start skip minting and leave the server without an admin.
            await keys.RevokeApiKeyAsync(stored.Id, factory.Core.Now(), CancellationToken.None);
            throw;
        }

        await output.WriteLineAsync($"Admin key written to {path}");
        return path;
    }

    private static void WriteOwnerOnly(string path, string content)
    {
        // Delete first: the create mode only applies to a file being created, never to one that already exists.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }
}
