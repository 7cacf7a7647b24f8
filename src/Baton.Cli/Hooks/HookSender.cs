using Baton.Core.Activity;
using Baton.Core.Common;

namespace Baton.Cli.Hooks;

/// <summary>What one <see cref="HookSender.SendAsync"/> did: events the service answered for, and what is left.</summary>
/// <param name="Problem">Why sending stopped before the outbox was empty (the server unreachable, …); null when it emptied.</param>
public sealed record SendOutcome(int Sent, int Duplicates, int Dead, long Left, string? Problem);

/// <summary>
/// Forwards the outbox to an <see cref="IActivityService"/> (the server over HTTP, or the local store in local mode)
/// oldest first, in batches, and removes a row only once the service answered for it (stored, duplicate or
/// unmatched). A crash between the answer and the removal sends those rows again; their ids make the second time a
/// duplicate, so each event is stored exactly once. Sending stops at the first batch that fails to go through, so
/// the order is kept; a batch the service refuses as invalid is retried one event at a time and the event it refuses
/// goes to the outbox's dead rows with the reason, so one bad row never blocks the ones behind it.
/// </summary>
public static class HookSender
{
    /// <summary>Events per request (the contract allows 500).</summary>
    public const int BatchSize = 200;

    public static async Task<SendOutcome> SendAsync(HookOutbox outbox, IActivityService activity, TimeProvider clock, CancellationToken ct, int batchSize = BatchSize)
    {
        var (sent, duplicates, dead) = (0, 0, 0);
        while (!ct.IsCancellationRequested)
        {
            var rows = WithTranscriptUsage(outbox.Oldest(batchSize));
            if (rows.Count == 0) return new SendOutcome(sent, duplicates, dead, 0, null);
            try
            {
                var (stored, duplicate, answered) = await SendBatchAsync(outbox, activity, rows, ct);
                sent += stored;
                duplicates += duplicate;
                if (answered < rows.Count)
                    return new SendOutcome(sent, duplicates, dead, outbox.Count(), $"the service answered for {answered} of {rows.Count} events");
            }
            catch (BatonException ex) when (IsRefusal(ex))
            {
                // Some event of the batch is one the service will never take: find it by sending one at a time.
                foreach (var row in rows)
                {
                    try
                    {
                        var (stored, duplicate, answered) = await SendBatchAsync(outbox, activity, [row], ct);
                        sent += stored;
                        duplicates += duplicate;
                        if (answered == 0) return new SendOutcome(sent, duplicates, dead, outbox.Count(), "the service did not answer for event " + row.Id);
                    }
                    catch (BatonException one) when (IsRefusal(one))
                    {
                        outbox.Bury(row.Seq, $"{one.Code}: {one.Detail}", clock.GetUtcNow());
                        dead++;
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Unreachable, timed out, a server error, an unavailable store: everything stays, in order, for next time.
                return new SendOutcome(sent, duplicates, dead, outbox.Count(), ex is BatonException b ? $"{b.Code}: {b.Detail}" : ex.Message);
            }
        }
        return new SendOutcome(sent, duplicates, dead, outbox.Count(), "cancelled");
    }

    /// <summary>
    /// A Claude turn's or session's end goes with the session's cumulative usage, read here from the transcript the
    /// event names (docs/architecture.md §15 Spend): the sender runs on the hook's machine, detached from the CLI, so
    /// the hook's own path stays an append. A transcript that cannot be read sends the event without usage. Read at each
    /// send: a resend after a lost answer may carry a later total, and its id makes it a duplicate anyway.
    /// </summary>
    internal static IReadOnlyList<OutboxRow> WithTranscriptUsage(IReadOnlyList<OutboxRow> rows)
    {
        List<OutboxRow>? changed = null;
        for (var i = 0; i < rows.Count; i++)
        {
            if (TranscriptUsage.TranscriptToRead(rows[i].Event) is not { } path
                || Baton.Local.Transcripts.TranscriptReader.ReadClaudeUsage(path) is not { } usage
                || !Acceptable(usage))
                continue;
            changed ??= [.. rows];
            changed[i] = rows[i] with { Event = rows[i].Event with { Usage = usage } };
        }
        return changed ?? rows;
    }

    /// <summary>Usage beyond the service's bounds would get the whole event refused: then it goes without.</summary>
    private static bool Acceptable(HookUsage usage)
    {
        var v = new Validator();
        HookEventRules.ValidateUsage(v, "usage", usage);
        return !v.HasErrors;
    }

    /// <summary>Sends <paramref name="rows"/> and removes those answered for; returns the counts and how many were answered for.</summary>
    private static async Task<(int Stored, int Duplicates, int Answered)> SendBatchAsync(HookOutbox outbox, IActivityService activity, IReadOnlyList<OutboxRow> rows, CancellationToken ct)
    {
        var response = await activity.RecordEventsAsync(new RecordEventsRequest(rows.Select(r => (HookEventInput?)r.Event).ToList()), ct);
        var answered = response.Events.Where(e => e.Outcome is "stored" or "duplicate" or "unmatched").Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        // Only a prefix counts: removing a later row while an earlier one stays would let the order slip on the resend.
        var done = rows.TakeWhile(r => answered.Contains(r.Id)).ToList();
        outbox.Remove(done.Select(r => r.Seq));
        var duplicates = response.Events.Count(e => e.Outcome == "duplicate" && done.Any(r => r.Id == e.Id));
        return (done.Count - duplicates, duplicates, done.Count);
    }

    /// <summary>The service looked at the request and said no for good (validation), as opposed to not being there.</summary>
    private static bool IsRefusal(BatonException ex) => ex.Code is ErrorCodes.ValidationFailed or ErrorCodes.UnknownField or ErrorCodes.MalformedJson or ErrorCodes.PayloadTooLarge or ErrorCodes.RequestTooLarge;
}
