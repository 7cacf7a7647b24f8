using Baton.Core.Orchestration;

namespace Baton.Client.Tests;

/// <summary>
/// <c>POST /v1/agents/{id}/next</c> may be held by the server for its whole wait, which is as long as the usual
/// per-attempt timeout: the client gives that one call the wait on top of its attempt timeout, so an empty wait comes
/// back as <c>{"task": null}</c> instead of a timeout that is retried (and holds the server a second time).
/// </summary>
public sealed class LongPollTests
{
    [Fact]
    public async Task NextTask_ServerHoldsTheWaitLongerThanTheAttemptTimeout_AnswersOnceWithoutRetrying()
    {
        var delays = new RecordedDelays();
        await using var server = await FakeServer.StartAsync(async (context, seen) =>
        {
            // A long poll held for 1 s of its 5 s wait; the attempt timeout below is 0.3 s.
            await Task.Delay(TimeSpan.FromSeconds(1), context.RequestAborted);
            await FakeServer.Json(context, 200, """{"task":null}""");
        });
        using var client = new BatonHttpClient(new BatonClientOptions
        {
            BaseAddress = server.BaseAddress,
            AttemptTimeout = TimeSpan.FromMilliseconds(300),
            Delay = delays.Delay,
        });

        var next = await client.NextTaskAsync("agent_01J00000000000000000000000", new NextTaskRequest(5), TestTimeouts.Token());

        Assert.Null(next.Task);
        Assert.Equal(1, server.Calls);
        Assert.Empty(delays.Delays);
        Assert.Equal("""{"wait_seconds":5}""", Assert.Single(server.Seen).Body);
    }

    [Fact]
    public async Task OtherCalls_StillUseTheAttemptTimeout()
    {
        var delays = new RecordedDelays();
        await using var server = await FakeServer.StartAsync(async (context, seen) =>
        {
            if (seen.Number == 1)
            {
                try { await new TaskCompletionSource().Task.WaitAsync(context.RequestAborted); }
                catch (OperationCanceledException) { }
                return;
            }
            await FakeServer.Json(context, 200, """{"waiting":0,"queued":0,"assigned":0,"running":0,"succeeded":0,"failed":0,"dead":0,"cancelled":0,"total":0}""");
        });
        using var client = new BatonHttpClient(new BatonClientOptions
        {
            BaseAddress = server.BaseAddress,
            AttemptTimeout = TimeSpan.FromMilliseconds(300),
            Delay = delays.Delay,
        });

        var counts = await client.CountTasksAsync("alpha", TestTimeouts.Token());

        Assert.Equal(0, counts.Total);
        Assert.Equal(2, server.Calls);
        Assert.Equal("/v1/tasks/counts?venture=alpha", server.Seen.Last().Path);
    }
}
