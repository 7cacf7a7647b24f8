using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite.Tests;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "baton-sqlite-tests", Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public SqliteStoreOptions StoreOptions() => SqliteStoreOptions.ForDataDirectory(Path);

    /// <summary>An open, unpooled connection to the store's file, beside the store, for seeding and inspection.</summary>
    public SqliteConnection OpenRawConnection()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = StoreOptions().DatabasePath,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a leftover temp folder is not worth failing a test over */ }
    }
}
