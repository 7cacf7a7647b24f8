using Npgsql;

namespace Baton.Storage.Postgres;

/// <summary>
/// <c>LISTEN</c> on the assignment channel over a connection of its own, outside the pool (a pooled connection is
/// never reset here, so a LISTEN left on one would outlive its listener and leave the server queueing notifications
/// nobody reads). A dispatch pass sends one <c>pg_notify</c> per agent it assigned to, inside its transaction, so a
/// notification arrives only for an assignment that committed. Keepalives make a silently dropped connection fail
/// its wait; the loop then reconnects after <see cref="RetryDelay"/>.
/// </summary>
internal sealed class AssignmentListener : IAsyncDisposable
{
    /// <summary>The notification channel; the payload is the agent id.</summary>
    public const string Channel = "baton_task_assigned";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly string _connectionString;
    private readonly Action<string> _onAssigned;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _disposed;

    private AssignmentListener(string connectionString, Action<string> onAssigned)
    {
        _connectionString = connectionString;
        _onAssigned = onAssigned;
    }

    /// <summary>Connects and listens; returns once <c>LISTEN</c> is in place.</summary>
    public static async Task<AssignmentListener> StartAsync(NpgsqlConnectionStringBuilder settings, Action<string> onAssigned, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString)
        {
            Pooling = false,
            KeepAlive = settings.KeepAlive > 0 ? settings.KeepAlive : 15,
            // Prepared statements and auto-prepare mean nothing on a connection that only waits.
            MaxAutoPrepare = 0,
        };
        var listener = new AssignmentListener(builder.ConnectionString, onAssigned);
        var connection = await listener.ConnectAsync(ct).ConfigureAwait(false);
        listener._loop = Task.Run(() => listener.RunAsync(connection), CancellationToken.None);
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task<NpgsqlConnection> ConnectAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            connection.Notification += (_, e) => _onAssigned(e.Payload);
            await using var command = new NpgsqlCommand($"LISTEN {Channel}", connection);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task RunAsync(NpgsqlConnection? connection)
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                connection ??= await ConnectAsync(ct).ConfigureAwait(false);
                await connection.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or System.Net.Sockets.SocketException)
            {
                // The connection is gone (a restart, a failover, a dropped link): drop it and listen again shortly.
                if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
                connection = null;
                try
                {
                    await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
    }
}
