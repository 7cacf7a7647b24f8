using System.Net.Sockets;
using Baton.Core.Common;
using Baton.Core.Storage;
using Npgsql;

namespace Baton.Storage.Postgres.Tests;

/// <summary>
/// PostgreSQL's errors → storage failures → what a client is told. A full disk or a failing one cannot be caused on a
/// throwaway cluster here, so the mapping is tested directly (it needs no server).
/// </summary>
public sealed class PostgresFailuresTests
{
    private const string Location = "PostgreSQL database baton on db:5432";

    [Theory]
    [InlineData("53100", StorageFailure.Full, ErrorCodes.StorageFull)]
    [InlineData("58030", StorageFailure.IoError, ErrorCodes.StorageUnavailable)]
    [InlineData("57P01", StorageFailure.Unreachable, ErrorCodes.StorageUnavailable)]
    [InlineData("08006", StorageFailure.Unreachable, ErrorCodes.StorageUnavailable)]
    [InlineData("53300", StorageFailure.Unreachable, ErrorCodes.StorageUnavailable)]
    public void Translate_ServerError_IsThatFailure(string sqlState, StorageFailure failure, string code)
    {
        var translated = PostgresFailures.Translate(new PostgresException("trouble", "FATAL", "FATAL", sqlState), Location);

        Assert.Equal(failure, translated?.Failure);
        Assert.Equal(code, translated!.ToProblem().Code);
        Assert.Contains(Location, translated.ToProblem().Detail);
    }

    [Fact]
    public void Translate_ConnectionRefused_IsUnreachable()
    {
        var error = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));

        Assert.Equal(StorageFailure.Unreachable, PostgresFailures.Translate(error, Location)?.Failure);
    }

    [Theory]
    [InlineData("23505")] // unique_violation: the store's own business
    [InlineData("42P01")] // undefined_table: a bug
    public void Translate_StatementError_IsLeftAlone(string sqlState) =>
        Assert.Null(PostgresFailures.Translate(new PostgresException("no", "ERROR", "ERROR", sqlState), Location));
}
