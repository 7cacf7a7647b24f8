using Baton.Core.Activity;
using Baton.Local.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Baton.Cli.Hooks;

/// <summary>One event waiting in the outbox: its place in the queue (append order) and the event.</summary>
public sealed record OutboxRow(long Seq, string Id, HookEventInput Event);

/// <summary>
/// One hook call as the hook appends it: its id, the CLI, the arguments after <c>baton hook &lt;cli&gt;</c>, stdin as read
/// (null: none), and what the hook filled in from the environment and the session file.
/// </summary>
public sealed record HookCapture(string Id, HookCli Cli, IReadOnlyList<string> Arguments, string? Stdin,
    string? Agent = null, string? Venture = null, string? Repo = null, string? SessionId = null);

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
            appended_at TEXT NOT NULL,
            capture_cli TEXT,
            capture_args TEXT,
            agent TEXT,
            venture TEXT,
            repo TEXT,
            session_id TEXT);
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

    /// <summary>
    /// The hook's append: opens the outbox, appends one hook call as it came — the CLI, its arguments and stdin,
    /// unparsed (JSON work costs a hook process more than the append; <see cref="Oldest"/> parses it for the sender with
    /// the same lenient parser), with what the hook filled in — in one <c>BEGIN IMMEDIATE</c> transaction and closes it,
    /// through SQLite's C API directly (SQLitePCLRaw) rather than Microsoft.Data.Sqlite: the same file, schema and
    /// transaction as <see cref="Open"/> and <see cref="Append"/>, without the ADO.NET layer's start-up
    /// (its connection-string parsing, reflection-based provider set-up and run-time compiled code), which is most of
    /// what a hook process costs beyond <c>baton --version</c> (docs/architecture.md §15).
    /// </summary>
    /// <exception cref="IOException">SQLite refused (an unwritable data directory, a locked file past the busy timeout).</exception>
    public static void AppendOnce(string dataDir, HookCapture capture, DateTimeOffset now)
    {
        Directory.CreateDirectory(dataDir);
        SQLitePCL.raw.SetProvider(new SQLitePCL.SQLite3Provider_e_sqlite3());
        var path = System.IO.Path.Combine(dataDir, FileName);
        Check(SQLitePCL.raw.sqlite3_open_v2(path, out var db, SQLitePCL.raw.SQLITE_OPEN_READWRITE | SQLitePCL.raw.SQLITE_OPEN_CREATE, null), db, "open");
        using (db)
        {
            StartupTrace.Mark("hook: outbox file open");
            Check(SQLitePCL.raw.sqlite3_busy_timeout(db, 5000), db, "busy timeout");
            Check(SQLitePCL.raw.sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;" + Schema), db, "schema");
            StartupTrace.Mark("hook: outbox schema");
            Check(SQLitePCL.raw.sqlite3_exec(db, "BEGIN IMMEDIATE"), db, "begin");
            Check(SQLitePCL.raw.sqlite3_prepare_v2(db,
                "INSERT OR IGNORE INTO outbox (id, body, appended_at, capture_cli, capture_args, agent, venture, repo, session_id) " +
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", out var insert), db, "prepare");
            using (insert)
            {
                string?[] values = [capture.Id, capture.Stdin ?? "", Baton.Core.Common.Timestamp.ToWire(now), HookEventJson.CliName(capture.Cli),
                    string.Join(ArgumentSeparator, capture.Arguments), capture.Agent, capture.Venture, capture.Repo, capture.SessionId];
                for (var i = 0; i < values.Length; i++)
                    Check(values[i] is { } v ? SQLitePCL.raw.sqlite3_bind_text(insert, i + 1, v) : SQLitePCL.raw.sqlite3_bind_null(insert, i + 1), db, "bind");
                var step = SQLitePCL.raw.sqlite3_step(insert);
                if (step != SQLitePCL.raw.SQLITE_DONE) Check(step, db, "insert");
            }
            // A failure before here leaves the transaction open; closing the connection rolls it back.
            Check(SQLitePCL.raw.sqlite3_exec(db, "COMMIT"), db, "commit");
        }
    }

    private static void Check(int rc, SQLitePCL.sqlite3 db, string step)
    {
        if (rc == SQLitePCL.raw.SQLITE_OK) return;
        throw new IOException($"outbox {step}: SQLite error {rc}: {SQLitePCL.raw.sqlite3_errmsg(db).utf8_to_string()}");
    }

    /// <summary>Between a capture's arguments: the unit separator, which no argument of a hook call carries.</summary>
    private const char ArgumentSeparator = '\u001f';

    /// <summary>The event a captured hook call makes: parsed as the hook would have, at the time it was appended.</summary>
    private static HookEventInput FromCapture(string id, string stdin, string appendedAt, string cli, string args, string? agent, string? venture, string? repo, string? session)
    {
        var arguments = args.Length == 0 ? [] : args.Split(ArgumentSeparator);
        var parsed = HookPayloads.Parse(HookPayloads.CliOrNull(cli) ?? throw new FormatException($"unknown cli '{cli}'"), arguments,
            stdin.Length == 0 ? null : stdin, Baton.Core.Common.Timestamp.Parse(appendedAt), id);
        return parsed with { Agent = agent, Venture = venture, Repo = repo, SessionId = session };
    }

    /// <summary>The oldest <paramref name="limit"/> events, in append order. A row that no longer reads is moved to <c>dead</c>.</summary>
    public IReadOnlyList<OutboxRow> Oldest(int limit)
    {
        var rows = new List<OutboxRow>();
        var unreadable = new List<(long Seq, string Reason)>();
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = "SELECT seq, id, body, appended_at, capture_cli, capture_args, agent, venture, repo, session_id FROM outbox ORDER BY seq LIMIT $limit";
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var (seq, id, body) = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
                string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
                try
                {
                    var hookEvent = Text(4) is { } cli
                        ? FromCapture(id, body, reader.GetString(3), cli, Text(5) ?? "", Text(6), Text(7), Text(8), Text(9))
                        : HookEventJson.Read(body);
                    rows.Add(new OutboxRow(seq, id, hookEvent));
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
