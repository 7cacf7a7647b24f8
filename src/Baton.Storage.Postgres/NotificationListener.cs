using Npgsql;

namespace Baton.Storage.Postgres;

/// <summary>
/// <c>LISTEN</c> on one notification channel over a connection of its own, outside the pool (a pooled connection is
/// never reset here, so a LISTEN left on one would outlive its listener and leave the server queueing notifications
/// nobody reads). Notifications are sent inside the writers' transactions, so one arrives only for a write that
/// committed. Keepalives make a silently dropped connection fail its wait; the loop then reconnects after
/// <see cref="RetryDelay"/> (notifications sent meanwhile are lost: every user also reads on a timer).
/// Used for <see cref="AssignmentChannel"/> (the assignment feed) and <see cref="ChangesChannel"/> (the change log).
/// </summary>
internal sealed class NotificationListener : IAsyncDisposable
{
    /// <summary>A dispatch pass's assignments; the payload is the agent id.</summary>
    public const string AssignmentChannel = "baton_task_assigned";

    /// <summary>The change log's triggers (migration 0015); the payload is empty, so a transaction's changes fold into one.</summary>
    public const string ChangesChannel = "baton_changes";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly string _connectionString;
    private readonly string _channel;
    private readonly Action<string> _onNotified;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _disposed;

    private NotificationListener(string connectionString, string channel, Action<string> onNotified)
    {
        _connectionString = connectionString;
        _channel = channel;
        _onNotified = onNotified;
    }

    /// <summary>
    /// Connects and listens on <paramref name="channel"/> (a constant of this class: it is put into the LISTEN as is);
    /// returns once <c>LISTEN</c> is in place. <paramref name="onNotified"/> gets each payload.
    /// </summary>
    public static async Task<NotificationListener> StartAsync(NpgsqlConnectionStringBuilder settings, string channel, Action<string> onNotified, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString)
        {
            Pooling = false,
            KeepAlive = settings.KeepAlive > 0 ? settings.KeepAlive : 15,
            // Prepared statements and auto-prepare mean nothing on a connection that only waits.
            MaxAutoPrepare = 0,
        };
        var listener = new NotificationListener(builder.ConnectionString, channel, onNotified);
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
            connection.Notification += (_, e) => _onNotified(e.Payload);
            await using var command = new NpgsqlCommand($"LISTEN {_channel}", connection);
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
