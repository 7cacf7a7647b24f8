using System.Net.Sockets;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;

namespace Baton.Client.Tests;

/// <summary>Retries against a real loopback listener that fails on purpose.</summary>
public sealed class RetryTests
{
    private const string ReceiptJson = """{"id":"ho_01J0000000000000000000000A","venture":"alpha","payload_hash":"abc","payload_size_bytes":10}""";

    private static readonly CreateHandoffRequest Handoff = new("alpha", "example-org/alpha-console", "agent-1", "summary", HandoffStatus.Done);

    private static BatonHttpClient ClientFor(Uri baseAddress, RecordedDelays delays, int maxAttempts = 4) =>
        new(new BatonClientOptions
        {
            BaseAddress = baseAddress,
            Key = "bk_test",
            MaxAttempts = maxAttempts,
            Delay = delays.Delay,
            Random = new Random(7),
        });

    [Fact]
    public async Task CreateHandoff_FirstTwoAttemptsAnswer503_SucceedsReusingOneIdempotencyKey()
    {
        await using var server = await FakeServer.StartAsync((context, seen) =>
            seen.Number <= 2 ? FakeServer.Json(context, 503, "busy", "text/plain") : FakeServer.Json(context, 201, ReceiptJson));
        var delays = new RecordedDelays();
        using var client = ClientFor(server.BaseAddress, delays);

        var receipt = await client.CreateHandoffAsync(Handoff, TestTimeouts.Token());

        Assert.Equal("ho_01J0000000000000000000000A", receipt.Id);
        var seen = server.Seen.ToArray();
        Assert.Equal(3, seen.Length);
        Assert.False(string.IsNullOrEmpty(seen[0].IdempotencyKey));
        Assert.All(seen, s => Assert.Equal(seen[0].IdempotencyKey, s.IdempotencyKey));
        Assert.All(seen, s => Assert.Equal(seen[0].Body, s.Body));
        Assert.All(seen, s => Assert.Equal("Bearer bk_test", s.Authorization));
        Assert.Equal(2, delays.Delays.Count);
    }

    [Theory]
    [InlineData(502)]
    [InlineData(504)]
    public async Task CreateHandoff_GatewayErrorOnce_IsRetried(int status)
    {
        await using var server = await FakeServer.StartAsync((context, seen) =>
            seen.Number == 1 ? FakeServer.Json(context, status, "<html>gateway</html>", "text/html") : FakeServer.Json(context, 201, ReceiptJson));
        using var client = ClientFor(server.BaseAddress, new RecordedDelays());

        await client.CreateHandoffAsync(Handoff, TestTimeouts.Token());

        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task CreateHandoff_ConnectionDroppedMidRequest_RetriesWithTheSameKey()
    {
        await using var server = await FakeServer.StartAsync((context, seen) =>
        {
            if (seen.Number == 1)
            {
                context.Abort(); // the answer never arrives: the client cannot know whether the write happened
                return Task.CompletedTask;
            }
            return FakeServer.Json(context, 201, ReceiptJson);
        });
        using var client = ClientFor(server.BaseAddress, new RecordedDelays());

        await client.CreateHandoffAsync(Handoff, TestTimeouts.Token());

        var seen = server.Seen.ToArray();
        Assert.Equal(2, seen.Length);
        Assert.Equal(seen[0].IdempotencyKey, seen[1].IdempotencyKey);
    }

    [Fact]
    public async Task CreateHandoff_KeyStillInFlight_WaitsAndRetries()
    {
        await using var server = await FakeServer.StartAsync((context, seen) => seen.Number == 1
            ? FakeServer.Json(context, 409, """{"code":"idempotency_key_in_flight","detail":"still running","status":409}""", "application/problem+json")
            : FakeServer.Json(context, 201, ReceiptJson));
        using var client = ClientFor(server.BaseAddress, new RecordedDelays());

        await client.CreateHandoffAsync(Handoff, TestTimeouts.Token());

        Assert.Equal(2, server.Calls);
    }

    [Fact]
    public async Task TwoLogicalCalls_UseDifferentIdempotencyKeys()
    {
        await using var server = await FakeServer.StartAsync((context, _) => FakeServer.Json(context, 201, ReceiptJson));
        using var client = ClientFor(server.BaseAddress, new RecordedDelays());

        await client.CreateHandoffAsync(Handoff, TestTimeouts.Token());
        await client.CreateHandoffAsync(Handoff, TestTimeouts.Token());

        var seen = server.Seen.ToArray();
        Assert.NotEqual(seen[0].IdempotencyKey, seen[1].IdempotencyKey);
    }

    [Fact]
    public async Task ListSessions_Get_SendsNoIdempotencyKeyAndQueryInSnakeCase()
    {
        await using var server = await FakeServer.StartAsync((context, _) => FakeServer.Json(context, 200, """{"items":[],"total":0,"next_cursor":null}"""));
        using var client = ClientFor(server.BaseAddress, new RecordedDelays());

        var page = await client.ListSessionsAsync(new SessionListRequest("alpha", SessionStatus.Active, 5), TestTimeouts.Token());

        var seen = Assert.Single(server.Seen);
        Assert.Null(seen.IdempotencyKey);
        Assert.Equal("/v1/sessions?venture=alpha&status=active&limit=5", seen.Path);
        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task CreateHandoff_EveryAttemptFails_StopsAtMaxAttemptsWithUnavailableNamingTheUrl()
    {
        await using var server = await FakeServer.StartAsync((context, _) => FakeServer.Json(context, 503, "down", "text/plain"));
        var delays = new RecordedDelays();
        using var client = ClientFor(server.BaseAddress, delays, maxAttempts: 3);

        var error = await Assert.ThrowsAsync<BatonException>(() => client.CreateHandoffAsync(Handoff, TestTimeouts.Token()));

        Assert.Equal(ErrorCodes.Unavailable, error.Code);
        Assert.Contains(server.BaseAddress.Authority, error.Detail);
        Assert.Contains("baton serve", error.Detail);
        Assert.Equal(3, server.Calls);
        Assert.Equal(2, delays.Delays.Count);
        Assert.True(delays.Delays.Last() > delays.Delays.First() / 2, "backoff grows (jitter keeps it above half)");
    }

    [Fact]
    public async Task AnyCall_NothingListening_ThrowsUnavailableSayingConnectionRefusedAndBatonUrl()
    {
        var port = FreeLoopbackPort();
        var delays = new RecordedDelays();
        using var client = ClientFor(new Uri($"http://127.0.0.1:{port}"), delays, maxAttempts: 2);

        var error = await Assert.ThrowsAsync<BatonException>(() => client.ListVenturesAsync(TestTimeouts.Token()));

        Assert.Equal(ErrorCodes.Unavailable, error.Code);
        Assert.Contains("connection refused", error.Detail);
        Assert.Contains($"127.0.0.1:{port}", error.Detail);
        Assert.Contains("BATON_URL", error.Detail);
        Assert.Single(delays.Delays);
    }

    [Fact]
    public async Task AnyCall_AttemptTimesOut_IsRetriedAsTransient()
    {
        await using var server = await FakeServer.StartAsync(async (context, seen) =>
        {
            if (seen.Number == 1)
            {
                // Never answers: holds the request until the client gives up on it and closes the connection.
                try { await new TaskCompletionSource().Task.WaitAsync(context.RequestAborted); }
                catch (OperationCanceledException) { }
                return;
            }
            await FakeServer.Json(context, 200, "[]");
        });
        using var client = new BatonHttpClient(new BatonClientOptions
        {
            BaseAddress = server.BaseAddress,
            AttemptTimeout = TimeSpan.FromSeconds(1),
            Delay = new RecordedDelays().Delay,
        });

        var ventures = await client.ListVenturesAsync(TestTimeouts.Token());

        Assert.Empty(ventures);
        // The hung first attempt timed out and was retried until one answered. On a loaded machine a later attempt can
        // miss its timeout too (it failed once at load 15–19 with exactly-2 asserted and a 300 ms timeout), which is
        // the same behaviour once more, so the count is a range: at least the retry, at most every attempt.
        Assert.InRange(server.Calls, 2, new BatonClientOptions { BaseAddress = server.BaseAddress }.MaxAttempts);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A 502 that is gh's own answer (issue 17) is not a gateway hiccup: asking again gets the same.</summary>
public sealed class GitHubFailedRetryTests
{
    [Fact]
    public async Task StartWorkflow_502GitHubFailed_IsNotRetriedAndKeepsGhsMessage()
    {
        await using var server = await FakeServer.StartAsync((context, seen) => FakeServer.Json(context, 502,
            """{"type":"urn:baton:problem:github_failed","title":"GitHub (gh) failed","status":502,"code":"github_failed","detail":"gh could not read issue a/b#1: HTTP 401: Bad credentials"}""",
            "application/problem+json"));
        using var client = new BatonHttpClient(new BatonClientOptions
        {
            BaseAddress = server.BaseAddress, Key = "bk_test", Delay = new RecordedDelays().Delay, Random = new Random(7),
        });

        var error = await Assert.ThrowsAsync<BatonException>(() =>
            client.StartWorkflowAsync(new Baton.Core.Workflows.StartWorkflowRequest(Issue: "a/b#1"), TestTimeouts.Token()));

        Assert.Equal(ErrorCodes.GitHubFailed, error.Code);
        Assert.Contains("Bad credentials", error.Detail);
        Assert.Equal(1, server.Calls);
    }
}
