using Baton.Core.Activity;

namespace Baton.Cli.Hooks;

/// <summary>
/// Who forwards the outbox, and when (docs/architecture.md §15). One sender at a time per data directory: it holds
/// <c>outbox.lock</c> (an exclusive open of the file, released by the OS if the process dies). A sender that could not
/// reach the service sets <c>outbox.backoff</c>'s modification time to when the next try is due, so hooks fired
/// while the server is down do not start a process each.
/// </summary>
public static class HookFlush
{
    public const string LockFileName = "outbox.lock";
    public const string BackoffFileName = "outbox.backoff";

    /// <summary>How long a lingering sender waits for more events once the outbox is empty (a burst of tool calls shares one sender).</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromSeconds(3);

    /// <summary>How often a lingering sender looks at the outbox.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>How long after a failed send hooks leave the outbox alone (<c>baton mcp</c> and <c>baton hook flush</c> still try).</summary>
    public static readonly TimeSpan Backoff = TimeSpan.FromSeconds(30);

    /// <summary>
    /// From the hook: starts <c>baton hook flush --linger</c>, detached, unless a sender holds the lock or a recent
    /// failure asked for a pause. Costs the hook one file open and, now and then, one process start.
    /// </summary>
    public static void StartDetachedIfIdle(string dataDir, DateTimeOffset now)
    {
        var backoff = Path.Combine(dataDir, BackoffFileName);
        if (File.Exists(backoff) && File.GetLastWriteTimeUtc(backoff) > now.UtcDateTime) return;
        using (var held = TryLock(dataDir))
        {
            if (held is null) return;
        }
        var (command, prefix) = HookCommand.SelfCommand();
        using var process = System.Diagnostics.Process.Start(HookCommand.DetachedStart(command, [.. prefix, "hook", "flush", "--linger", "--data-dir", dataDir]));
        // Our ends of its pipes close with this process; it writes nothing and reads nothing.
    }

    /// <summary>The lock, or null when another sender holds it.</summary>
    public static FileStream? TryLock(string dataDir)
    {
        try
        {
            return new FileStream(Path.Combine(dataDir, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Sends until the outbox is empty; with <paramref name="linger"/>, keeps looking for new events for
    /// <see cref="Linger"/> before it stops. Returns what it sent, or null when another sender holds the lock.
    /// </summary>
    public static async Task<SendOutcome?> RunAsync(string dataDir, Func<CancellationToken, Task<(IActivityService? Service, IAsyncDisposable Owner)>> open,
        TimeProvider clock, bool linger, CancellationToken ct)
    {
        Directory.CreateDirectory(dataDir);
        var held = TryLock(dataDir);
        if (held is null) return null;
        var total = new SendOutcome(0, 0, 0, 0, null);
        try
        {
            using var outbox = HookOutbox.Open(dataDir);
            if (outbox.Count() == 0 && !linger) return total;
            IActivityService? service = null;
            IAsyncDisposable? owner = null;
            try
            {
                var idleSince = clock.GetUtcNow();
                while (!ct.IsCancellationRequested)
                {
                    if (outbox.Count() > 0)
                    {
                        if (service is null)
                        {
                            (service, owner) = await open(ct);
                            if (service is null)
                            {
                                // Nothing to send to in this mode: hooks must not start a sender per call to find that out again.
                                PauseHooks(dataDir, clock.GetUtcNow() + Backoff);
                                return total with { Left = outbox.Count(), Problem = "this build has no activity service for this mode" };
                            }
                        }
                        var outcome = await HookSender.SendAsync(outbox, service, clock, ct);
                        total = new SendOutcome(total.Sent + outcome.Sent, total.Duplicates + outcome.Duplicates, total.Dead + outcome.Dead, outcome.Left, outcome.Problem);
                        if (outcome.Problem is not null)
                        {
                            PauseHooks(dataDir, clock.GetUtcNow() + Backoff);
                            return total;
                        }
                        ResumeHooks(dataDir);
                        idleSince = clock.GetUtcNow();
                    }
                    if (!linger || clock.GetUtcNow() - idleSince >= Linger) return total with { Left = outbox.Count() };
                    await Task.Delay(Poll, clock, ct);
                }
                return total with { Left = outbox.Count() };
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Opening the connection failed (bad settings, a store that will not open): wait as for an unreachable server.
                PauseHooks(dataDir, clock.GetUtcNow() + Backoff);
                return total with { Left = outbox.Count(), Problem = ex.Message };
            }
            finally
            {
                if (owner is not null) await owner.DisposeAsync();
            }
        }
        finally
        {
            held.Dispose();
        }
    }

    /// <summary>The service answered: hooks may start senders again at once.</summary>
    private static void ResumeHooks(string dataDir)
    {
        try
        {
            File.Delete(Path.Combine(dataDir, BackoffFileName));
        }
        catch (IOException)
        {
            // The pause simply runs out.
        }
    }

    private static void PauseHooks(string dataDir, DateTimeOffset until)
    {
        try
        {
            var path = Path.Combine(dataDir, BackoffFileName);
            File.WriteAllText(path, "");
            File.SetLastWriteTimeUtc(path, until.UtcDateTime);
        }
        catch (IOException)
        {
            // Without the pause the next hook simply starts a sender again.
        }
    }
}
