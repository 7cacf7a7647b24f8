using Baton.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite;

/// <summary>
/// The one place SQLite's result codes become a <see cref="StoreUnavailableException"/> (docs/architecture.md §8):
/// SQLITE_FULL (13), SQLITE_IOERR (10), SQLITE_READONLY (8), SQLITE_CANTOPEN (14). Everything else (a constraint, a
/// bug, busy) is the store's own failure and is left as it is.
/// </summary>
internal static class SqliteFailures
{
    public const int ReadOnly = 8;
    public const int IoError = 10;
    public const int Full = 13;
    public const int CannotOpen = 14;

    /// <param name="dataDirectory">The directory holding the database file, named in the message.</param>
    public static StoreUnavailableException? Translate(Exception error, string dataDirectory) => error switch
    {
        StoreUnavailableException already => already,
        SqliteException { SqliteErrorCode: Full } => new(StorageFailure.Full, dataDirectory,
            $"The disk holding {dataDirectory} is full (SQLITE_FULL): free space there; nothing acknowledged was lost.", error),
        SqliteException { SqliteErrorCode: ReadOnly } => new(StorageFailure.ReadOnly, dataDirectory,
            $"The database in {dataDirectory} is read-only (SQLITE_READONLY): make the directory and its files writable by this user.", error),
        SqliteException { SqliteErrorCode: IoError } => new(StorageFailure.IoError, dataDirectory,
            $"The disk holding {dataDirectory} failed an I/O (SQLITE_IOERR): check the disk.", error),
        SqliteException { SqliteErrorCode: CannotOpen } => new(StorageFailure.CannotOpen, dataDirectory,
            $"The database in {dataDirectory} cannot be opened or created (SQLITE_CANTOPEN): check that the directory exists and is writable by this user.", error),
        _ => null,
    };

    /// <summary>The failure to report for <paramref name="error"/>: its translation when it is a storage failure, else itself.</summary>
    public static Exception Map(Exception error, string dataDirectory) => Translate(error, dataDirectory) ?? error;
}
