using Baton.Core.Common;
using Baton.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Baton.Storage.Sqlite.Tests;

/// <summary>
/// SQLite's result codes → storage failures → what a client is told. SQLITE_FULL and SQLITE_READONLY are also produced
/// for real in the server's tests (max_page_count, query_only); an I/O error or a file that cannot be opened under load
/// cannot be caused here without root tricks, so their mapping is tested directly.
/// </summary>
public sealed class SqliteFailuresTests
{
    private const string DataDir = "/srv/baton-data";

    [Theory]
    [InlineData(13, StorageFailure.Full, ErrorCodes.StorageFull, 507)]
    [InlineData(8, StorageFailure.ReadOnly, ErrorCodes.StorageUnavailable, 503)]
    [InlineData(10, StorageFailure.IoError, ErrorCodes.StorageUnavailable, 503)]
    [InlineData(14, StorageFailure.CannotOpen, ErrorCodes.StorageUnavailable, 503)]
    public void Translate_StorageResultCode_IsThatFailureNamingTheDataDirectory(int code, StorageFailure failure, string problemCode, int status)
    {
        var translated = SqliteFailures.Translate(new SqliteException("disk trouble", code, code), DataDir);

        Assert.NotNull(translated);
        Assert.Equal(failure, translated.Failure);
        Assert.Equal(DataDir, translated.Location);
        Assert.Contains(DataDir, translated.Message);
        var problem = translated.ToProblem();
        Assert.Equal(problemCode, problem.Code);
        Assert.Equal(status, problem.Status);
        Assert.Contains(DataDir, problem.Detail);
        Assert.Contains("nothing acknowledged was lost", problem.Detail);
    }

    [Theory]
    [InlineData(19)] // SQLITE_CONSTRAINT: the store's own business
    [InlineData(5)]  // SQLITE_BUSY
    [InlineData(1)]  // SQLITE_ERROR
    public void Translate_OtherResultCode_IsLeftAlone(int code)
    {
        var error = new SqliteException("not storage", code, code);

        Assert.Null(SqliteFailures.Translate(error, DataDir));
        Assert.Same(error, SqliteFailures.Map(error, DataDir));
    }

    [Fact]
    public void Translate_ExtendedIoErrorCode_IsStillAnIoError()
    {
        // SQLITE_IOERR_WRITE (778): the primary code is what counts.
        var translated = SqliteFailures.Translate(new SqliteException("write failed", 10, 778), DataDir);

        Assert.Equal(StorageFailure.IoError, translated?.Failure);
    }
}
