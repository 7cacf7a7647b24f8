using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Baton.Core.Handoffs;
using Baton.Core.Ventures;
using Baton.Server;

namespace Baton.Client.Tests;

/// <summary>
/// The case retries exist for: the server wrote the handoff, but its answer was lost on the way back. The client
/// retries with the same Idempotency-Key, the real server replays its first answer, and the handoff exists once.
/// </summary>
public sealed class ReplayTests
{
    [Fact]
    public async Task CreateHandoff_AnswerLostAfterTheServerWroteIt_RetryIsReplayedAndTheHandoffExistsOnce()
    {
        var ct = TestTimeouts.Token();
        using var directory = new TempDirectory();
        var real = await BatonServerHost.StartAsync(new ServerOptions { DataDir = directory.Path, Listen = "127.0.0.1:0", RateLimitPerMinute = 0 }, TextWriter.Null, ct);
        await using var _ = real;
        var key = (await File.ReadAllTextAsync(real.AdminKeyPath!, ct)).Trim();
        using var forward = new HttpClient();
        var replayed = new ConcurrentQueue<string>();
        var droppedOne = 0;

        // A proxy in front of the real server that forwards everything, but throws away the first handoff answer.
        await using var proxy = await FakeServer.StartAsync(async (context, seen) =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(seen.Method), new Uri(real.BaseAddress, seen.Path));
            request.Headers.TryAddWithoutValidation("Authorization", seen.Authorization);
            if (seen.IdempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", seen.IdempotencyKey);
            if (seen.Body.Length > 0)
            {
                request.Content = new StringContent(seen.Body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }
            using var answer = await forward.SendAsync(request, context.RequestAborted);
            if (seen.Path == "/v1/handoffs" && seen.Method == "POST" && Interlocked.Exchange(ref droppedOne, 1) == 0)
            {
                context.Abort();
                return;
            }
            if (answer.Headers.TryGetValues("Idempotent-Replayed", out var values)) replayed.Enqueue(string.Join(",", values));
            context.Response.StatusCode = (int)answer.StatusCode;
            context.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
            await context.Response.Body.WriteAsync(await answer.Content.ReadAsByteArrayAsync(context.RequestAborted), context.RequestAborted);
        });
        using var client = new BatonHttpClient(new BatonClientOptions { BaseAddress = proxy.BaseAddress, Key = key, Delay = new RecordedDelays().Delay });
        await client.PutVentureAsync("alpha", new PutVentureRequest("Project Alpha", "example-org", ["alpha-console"]), ct);

        var receipt = await client.CreateHandoffAsync(
            new CreateHandoffRequest("alpha", "example-org/alpha-console", Some.Agent(), "written once", HandoffStatus.Done), ct);
        var handoffs = await client.ListHandoffsAsync(new HandoffListRequest(Venture: "alpha"), ct);

        Assert.Equal(1, droppedOne);
        Assert.Equal("true", Assert.Single(replayed), ignoreCase: true);
        Assert.Equal(1, handoffs.Total);
        Assert.Equal(receipt.Id, Assert.Single(handoffs.Items).Id);
    }
}
