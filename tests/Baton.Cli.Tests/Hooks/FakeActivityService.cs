using Baton.Core.Activity;
using Baton.Core.Common;

namespace Baton.Cli.Tests.Hooks;

/// <summary>
/// An in-memory <see cref="IActivityService"/> with the contract's exactly-once behaviour (a known id is a duplicate),
/// that can be down (throws as an unreachable server does), lose its answer after storing (a crash between the
/// server's commit and the sender's removal), or refuse events as invalid.
/// </summary>
internal sealed class FakeActivityService : IActivityService
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

    /// <summary>Every event stored, in the order stored.</summary>
    public List<HookEventInput> Stored { get; } = [];

    /// <summary>Batch sizes received.</summary>
    public List<int> Batches { get; } = [];

    public bool Down { get; set; }

    /// <summary>Store the next batch, then fail as if the answer never arrived.</summary>
    public bool LoseNextAnswer { get; set; }

    /// <summary>Events with this event name are refused (validation_failed).</summary>
    public string? RefuseEvent { get; set; }

    public Task<RecordEventsResponse> RecordEventsAsync(RecordEventsRequest request, CancellationToken ct)
    {
        if (Down) throw new HttpRequestException("Connection refused (127.0.0.1:8765)");
        var events = request.Events!.Select(e => e!).ToList();
        if (RefuseEvent is { } refused && events.Any(e => e.Event == refused))
            throw BatonException.Validation(new Dictionary<string, string[]> { ["events[0].event"] = ["refused"] });
        Batches.Add(events.Count);
        var answers = new List<RecordedEvent>();
        foreach (var e in events)
        {
            if (_ids.Add(e.Id!))
            {
                Stored.Add(e);
                answers.Add(new RecordedEvent(e.Id!, "stored", null));
            }
            else answers.Add(new RecordedEvent(e.Id!, "duplicate", null));
        }
        if (LoseNextAnswer)
        {
            LoseNextAnswer = false;
            throw new IOException("the connection was reset before the answer arrived");
        }
        return Task.FromResult(new RecordEventsResponse(answers.Count(a => a.Outcome == "stored"), answers.Count(a => a.Outcome == "duplicate"), answers));
    }

    public Task<Page<HookEvent>> ListSessionEventsAsync(string sessionId, EventListRequest request, CancellationToken ct) => throw new NotSupportedException();

    public Task<Page<WaitingSession>> ListWaitingAsync(WaitingListRequest request, CancellationToken ct) => throw new NotSupportedException();

    public Task<IReadOnlyList<HookEvent>> LatestSessionEventsAsync(IReadOnlyList<string> sessionIds, CancellationToken ct) => throw new NotSupportedException();
}
