using System.Net.Sockets;
using Baton.Core.Storage;
using Npgsql;

namespace Baton.Storage.Postgres;

/// <summary>
/// The one place PostgreSQL's errors become a <see cref="StoreUnavailableException"/> (docs/architecture.md §8): a full
/// disk, a failing disk, and a server that cannot be reached or went away. Everything else (a constraint, a bug) is
/// the store's own failure and is left as it is.
/// </summary>
internal static class PostgresFailures
{
    public static StoreUnavailableException? Translate(Exception error, string location) => error switch
    {
        PostgresException { SqlState: PostgresErrorCodes.DiskFull } pg =>
            new(StorageFailure.Full, location, $"PostgreSQL's disk is full ({location}): {pg.MessageText}.", error),
        PostgresException { SqlState: PostgresErrorCodes.IoError } pg =>
            new(StorageFailure.IoError, location, $"PostgreSQL reported a disk I/O error ({location}): {pg.MessageText}.", error),
        PostgresException pg when IsConnectionState(pg.SqlState) =>
            new(StorageFailure.Unreachable, location, $"PostgreSQL refused or dropped the connection ({location}): {pg.MessageText} ({pg.SqlState}).", error),
        PostgresException => null,
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } or NpgsqlException { IsTransient: true } or SocketException =>
            new(StorageFailure.Unreachable, location, $"PostgreSQL cannot be reached ({location}).", error),
        _ => null,
    };

    /// <summary>Connection exceptions (class 08), the server shutting down (57P01–57P03), too many connections (53300).</summary>
    private static bool IsConnectionState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.TooManyConnections;
}
