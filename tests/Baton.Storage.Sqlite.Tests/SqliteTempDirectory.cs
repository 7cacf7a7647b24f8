using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite.Tests;

/// <summary>A shared <see cref="TempDirectory"/> as the data directory of a SQLite store under test.</summary>
public static class SqliteTempDirectory
{
    public static SqliteStoreOptions StoreOptions(this TempDirectory directory) => SqliteStoreOptions.ForDataDirectory(directory.Path);

    /// <summary>An open, unpooled connection to the store's file, beside the store, for seeding and inspection.</summary>
    public static SqliteConnection OpenRawConnection(this TempDirectory directory)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = directory.StoreOptions().DatabasePath,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }
}
