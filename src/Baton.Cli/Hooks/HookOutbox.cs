using Baton.Core.Activity;
using Baton.Local.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Baton.Cli.Hooks;

/// <summary>One event waiting in the outbox: its place in the queue (append order) and the event.</summary>
public sealed record OutboxRow(long Seq, string Id, HookEventInput Event);

/// <summary>
/// The machine's queue of hook events not yet forwarded (docs/architecture.md §15): <c>&lt;data-dir&gt;/outbox.db</c>,
/// SQLite in WAL mode, one row per event appended in one short <c>BEGIN IMMEDIATE</c> transaction, so hook processes
/// that fire at once take turns (busy timeout) and a process killed mid-write leaves either the whole row or none.
/// Rows leave the outbox only once the server has answered for them (<see cref="Remove"/>); a row the server refuses
/// for good moves to the <c>dead</c> table with the reason, so it does not block the queue behind it.
/// </summary>
public sealed class HookOutbox : IDisposable
{
    public const string FileName = "outbox.db";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL,
            appended_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS dead (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            body TEXT NOT NULL,
            reason TEXT NOT NULL,
            dead_at TEXT NOT NULL);
        """;

    private readonly SqliteConnection _connection;

    private HookOutbox(SqliteConnection connection, string path)
    {
        _connection = connection;
        Path = path;
    }

    public string Path { get; }

    /// <summary>Opens (creating when needed) the outbox in <paramref name="dataDir"/>.</summary>
    /// <exception cref="SqliteException">The file cannot be opened or created (an unwritable data directory).</exception>
    public static HookOutbox Open(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var path = System.IO.Path.Combine(dataDir, FileName);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 5,
        }.ToString());
        StartupTrace.Mark("hook: outbox connection made");
        try
        {
            connection.Open();
            StartupTrace.Mark("hook: outbox file open");
            // WAL persists in the file; asking again on an outbox already in WAL changes nothing. synchronous=NORMAL: a
            // crash of the process loses nothing committed; only a power cut may lose the last events, never the file.
            Execute(connection, "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
            StartupTrace.Mark("hook: outbox pragmas");
            Execute(connection, Schema);
            StartupTrace.Mark("hook: outbox schema");
            return new HookOutbox(connection, path);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Appends one event in its own transaction; a second append of the same id is ignored.</summary>
    public void Append(HookEventInput hookEvent, DateTimeOffset now)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT OR IGNORE INTO outbox (id, body, appended_at) VALUES ($id, $body, $at)";
        command.Parameters.AddWithValue("$id", hookEvent.Id ?? throw new ArgumentException("an outbox event needs its id", nameof(hookEvent)));
        command.Parameters.AddWithValue("$body", HookEventJson.Write(hookEvent));
        command.Parameters.AddWithValue("$at", Baton.Core.Common.Timestamp.ToWire(now));
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>The oldest <paramref name="limit"/> events, in append order. A row that no longer reads is moved to <c>dead</c>.</summary>
    public IReadOnlyList<OutboxRow> Oldest(int limit)
    {
        var rows = new List<OutboxRow>();
        var unreadable = new List<(long Seq, string Reason)>();
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT seq, id, body FROM outbox ORDER BY seq LIMIT $limit";
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var (seq, id, body) = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
                try
                {
                    rows.Add(new OutboxRow(seq, id, HookEventJson.Read(body)));
                }
                catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException)
                {
                    unreadable.Add((seq, "unreadable row: " + ex.Message));
                }
            }
        }
        foreach (var (seq, reason) in unreadable) Bury(seq, reason, DateTimeOffset.UtcNow);
        return unreadable.Count == 0 || rows.Count > 0 ? rows : Oldest(limit);
    }

    /// <summary>Removes the rows the server has answered for, in one transaction.</summary>
    public void Remove(IEnumerable<long> seqs)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM outbox WHERE seq = $seq";
        var parameter = command.Parameters.Add("$seq", SqliteType.Integer);
        foreach (var seq in seqs)
        {
            parameter.Value = seq;
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>Moves a row the server refused for good to <c>dead</c>, with why.</summary>
    public void Bury(long seq, string reason, DateTimeOffset now)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT OR REPLACE INTO dead (seq, id, body, reason, dead_at) SELECT seq, id, body, $reason, $at FROM outbox WHERE seq = $seq;
            DELETE FROM outbox WHERE seq = $seq;
            """;
        command.Parameters.AddWithValue("$seq", seq);
        command.Parameters.AddWithValue("$reason", reason);
        command.Parameters.AddWithValue("$at", Baton.Core.Common.Timestamp.ToWire(now));
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    public long Count() => Scalar("SELECT count(*) FROM outbox");

    public long DeadCount() => Scalar("SELECT count(*) FROM dead");

    /// <summary>SQLite's own check of the file (<c>PRAGMA integrity_check</c>): "ok" when sound.</summary>
    public string IntegrityCheck()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)command.ExecuteScalar()!;
    }

    private long Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();
}
