using Baton.Core.Common;

namespace Baton.Core.Storage;

/// <summary>What went wrong with the storage underneath a store (docs/architecture.md §8, "Storage failures").</summary>
public enum StorageFailure
{
    /// <summary>The disk (or the database's quota) is full: SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100).</summary>
    Full,

    /// <summary>The files are read-only: SQLite's SQLITE_READONLY, a read-only file system, a directory without write permission.</summary>
    ReadOnly,

    /// <summary>The disk failed an I/O (SQLite's SQLITE_IOERR, PostgreSQL's io_error 58030).</summary>
    IoError,

    /// <summary>The database file or directory cannot be opened or created (SQLite's SQLITE_CANTOPEN).</summary>
    CannotOpen,

    /// <summary>The database server cannot be reached, refused the login, or dropped the connection (PostgreSQL).</summary>
    Unreachable,
}

/// <summary>
/// The storage under a store failed in a way the caller cannot fix by changing the request: a full disk, read-only or
/// failing files, a database server that is gone. Every store throws it (mapping its own error codes once, in the
/// store), so the server answers it the same way on every store (<see cref="ToProblem"/>: 507 <c>storage_full</c>, else
/// 503 <c>storage_unavailable</c>) and <c>baton serve</c> reports it at start in one line. The message names
/// <see cref="Location"/> and says what to check; it never holds a password.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException(StorageFailure failure, string location, string message, Exception? inner)
        : base(message, inner)
    {
        Failure = failure;
        Location = location;
    }

    public StorageFailure Failure { get; }

    /// <summary>Where: the SQLite data directory, or PostgreSQL's host and database (password masked).</summary>
    public string Location { get; }

    /// <summary>The one mapping from a storage failure to what a client is told (code, status via <see cref="ErrorCodes"/>, detail).</summary>
    public BatonException ToProblem() => Failure switch
    {
        StorageFailure.Full => new BatonException(ErrorCodes.StorageFull,
            $"The data directory's disk is full ({Location}): free space; nothing acknowledged was lost, and writes resume by themselves once there is room."),
        StorageFailure.Unreachable => new BatonException(ErrorCodes.StorageUnavailable,
            $"The store cannot be reached ({Location}): check that the database server is running; nothing acknowledged was lost. Retry later."),
        _ => new BatonException(ErrorCodes.StorageUnavailable,
            $"The data directory {Location} is {Describe(Failure)}: check the disk and its permissions; nothing acknowledged was lost. Reads may still work; retry writes once it is fixed."),
    };

    private static string Describe(StorageFailure failure) => failure switch
    {
        StorageFailure.ReadOnly => "read-only",
        StorageFailure.IoError => "failing (a disk I/O error)",
        _ => "not usable (the database cannot be opened)",
    };
}
