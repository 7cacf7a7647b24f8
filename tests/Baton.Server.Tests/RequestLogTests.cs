using System.Net;
using Baton.Core.Keys;
using Baton.Core.Requests;
using Baton.Core.Storage;
using Baton.Server.Tests.Support;

namespace Baton.Server.Tests;

public sealed class RequestLogTests
{
    [Fact]
    public async Task EveryRequest_IsLoggedWithRouteStatusActorAndErrorCode_AndNeverItsBody()
    {
        await using var server = await TestServer.StartAsync();
        const string secret = "marker-that-must-not-be-logged";
        var ok = new HttpRequestMessage(HttpMethod.Post, "/v1/sod")
        {
            Content = TestServer.Json($$"""{"agent":"{{secret}}","venture":"alpha","repo":"alpha-console"}"""),
        };
        ok.Headers.Add("X-Correlation-Id", "corr_log-ok");
        var missing = new HttpRequestMessage(HttpMethod.Get, "/v1/ventures/nope");
        missing.Headers.Add("X-Correlation-Id", "corr_log-404");

        using (var response = await server.Admin.SendAsync(ok)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var response = await server.Admin.SendAsync(missing)) Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        var okEntry = await SingleEntryAsync(server.Store, "corr_log-ok");
        var missingEntry = await SingleEntryAsync(server.Store, "corr_log-404");

        Assert.Equal("/v1/sod", okEntry.Route);
        Assert.Equal("POST", okEntry.Method);
        Assert.Equal(200, okEntry.Status);
        Assert.Equal("alpha", okEntry.Venture);
        Assert.Null(okEntry.ErrorCode);
        Assert.Equal(KeyHashing.ActorKeyIdOf(KeyHashing.Hash(server.AdminKey)), okEntry.ActorKeyId);
        Assert.True(okEntry.DurationMs >= 0);

        Assert.Equal("/v1/ventures/{code}", missingEntry.Route);
        Assert.Equal(404, missingEntry.Status);
        Assert.Equal("venture_not_found", missingEntry.ErrorCode);

        var everything = await server.Store.ListRequestLogAsync(null, 1000, CancellationToken.None);
        Assert.DoesNotContain(everything, e => e.ToString().Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RejectedAndUnmatchedRequests_AreLoggedToo()
    {
        await using var server = await TestServer.StartAsync();
        var unauthenticated = new HttpRequestMessage(HttpMethod.Get, "/v1/sessions");
        unauthenticated.Headers.Add("X-Correlation-Id", "corr_log-401");
        var unmatched = new HttpRequestMessage(HttpMethod.Get, "/secret/path/with/token123");
        unmatched.Headers.Add("X-Correlation-Id", "corr_log-unmatched");

        using (var response = await server.Client(null).SendAsync(unauthenticated)) Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using (var response = await server.Admin.SendAsync(unmatched)) Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        var rejected = await SingleEntryAsync(server.Store, "corr_log-401");
        var lost = await SingleEntryAsync(server.Store, "corr_log-unmatched");
        Assert.Equal("unauthorized", rejected.ErrorCode);
        Assert.Null(rejected.ActorKeyId);
        Assert.Equal("(unmatched)", lost.Route);
        Assert.Equal("not_found", lost.ErrorCode);
    }

    [Fact]
    public async Task StopAsync_StoresEntriesStillQueued()
    {
        var dataDir = TestServer.NewDataDir();
        var options = new ServerOptions { DataDir = dataDir, Listen = "127.0.0.1:0" };
        await using (var server = await BatonServerHost.StartAsync(options, new StringWriter(), CancellationToken.None))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            for (var i = 0; i < 20; i++)
            {
                var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
                request.Headers.Add("X-Correlation-Id", $"corr_stop-{i}");
                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        // Reopen the data directory and read what was stored before the server closed its store.
        await using var reopened = await BatonServerHost.StartAsync(options, new StringWriter(), CancellationToken.None);
        var entries = await reopened.Store.ListRequestLogAsync(null, 1000, CancellationToken.None);
        Assert.Equal(20, entries.Count(e => e.CorrelationId.StartsWith("corr_stop-", StringComparison.Ordinal)));
    }

    private static async Task<RequestLogEntry> SingleEntryAsync(IBatonStore store, string correlationId)
    {
        var entries = await Eventually.ValueAsync(
            () => store.ListRequestLogAsync(correlationId, 10, CancellationToken.None),
            found => found.Count > 0,
            $"the request-log entry for {correlationId}");
        return Assert.Single(entries);
    }
}
