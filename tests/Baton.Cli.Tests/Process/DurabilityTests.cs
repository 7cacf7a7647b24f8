using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Baton.Cli.Tests.Process;

/// <summary>docs/architecture.md §8: a write that was answered 2xx survives <c>kill -9</c> of the server.</summary>
public sealed class DurabilityTests : IDisposable
{
    private const int Writers = 8;
    private const int AcknowledgedBeforeKill = 60;
    private const int KeyedWriters = 16;

    private readonly Workspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Serve_KilledWithSigkillMidStream_KeepsEveryWriteItAcknowledged()
    {
        var acknowledged = new ConcurrentBag<string>();
        var enoughAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string key;
        await using (var server = await _workspace.StartServeAsync())
        {
            key = server.ReadAdminKey();
            using var http = Client(server.BaseAddress, key);
            using var stopWriting = new CancellationTokenSource();

            var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
            {
                for (var i = 0; !stopWriting.IsCancellationRequested; i++)
                {
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/handoffs")
                        {
                            Content = JsonContent.Create(new
                            {
                                venture = "alpha",
                                repo = "example-org/alpha-console",
                                from_agent = $"writer-{writer}",
                                summary = $"write {writer}-{i}",
                                status = "in_progress",
                            }),
                        };
                        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                        using var response = await http.SendAsync(request, stopWriting.Token);
                        if (!response.IsSuccessStatusCode) continue;
                        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stopWriting.Token));
                        acknowledged.Add(body.RootElement.GetProperty("id").GetString()!);
                        if (acknowledged.Count >= AcknowledgedBeforeKill) enoughAcknowledged.TrySetResult();
                    }
                    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
                    {
                        // The server is gone (or going): only answered writes count, and they are already recorded.
                        if (stopWriting.IsCancellationRequested) return;
                    }
                }
            })).ToArray();

            await enoughAcknowledged.Task.WaitAsync(TestTimeouts.Default);
            server.Kill(); // SIGKILL while the writers are still sending
            await server.WaitForExitAsync();
            stopWriting.Cancel();
            await Task.WhenAll(writers).WaitAsync(TestTimeouts.Default);
        }

        await using var restarted = await _workspace.StartServeAsync();
        using var reader = Client(restarted.BaseAddress, key);
        var stored = await AllHandoffIdsAsync(reader);

        Assert.True(acknowledged.Count >= AcknowledgedBeforeKill);
        var missing = acknowledged.Where(id => !stored.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged writes were lost: {string.Join(", ", missing.Take(5))}");
    }

    [Fact]
    public async Task Serve_KilledWithSigkillAtRandomPointsUnderKeyedWriters_EveryKeyRetriedIsDoneExactlyOnceAndNoneInFlight()
    {
        // docs/architecture.md §7: a write's idempotency record commits with the write, so after a crash at any point a
        // retry with the same key is replayed or performed, never stuck in flight and never done twice.
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        var sent = new ConcurrentDictionary<string, string>(); // key → body
        var acknowledged = new ConcurrentDictionary<string, string>(); // key → handoff id answered before the kill
        string? adminKey = null;

        // Several rounds, each killed at its own random point with every writer mid-request: more crashes, more
        // requests caught between their steps.
        for (var round = 0; round < 5; round++)
        {
            var killAfter = random.Next(1, 40);
            await using var server = await _workspace.StartServeAsync();
            adminKey ??= server.ReadAdminKey();
            using var http = Client(server.BaseAddress, adminKey);
            using var stopWriting = new CancellationTokenSource();
            var answeredThisRound = 0;
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            var writers = Enumerable.Range(0, KeyedWriters).Select(writer => Task.Run(async () =>
            {
                for (var i = 0; !stopWriting.IsCancellationRequested; i++)
                {
                    var key = $"r{round}-w{writer}-{i}-{Guid.NewGuid():N}";
                    var body = HandoffBody($"keyed {key}");
                    sent[key] = body;
                    try
                    {
                        using var response = await http.SendAsync(KeyedPost(body, key), stopWriting.Token);
                        if (response.StatusCode != System.Net.HttpStatusCode.Created) continue;
                        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stopWriting.Token));
                        acknowledged[key] = answer.RootElement.GetProperty("id").GetString()!;
                        if (Interlocked.Increment(ref answeredThisRound) >= killAfter) enough.TrySetResult();
                    }
                    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
                    {
                        // The server is gone: this key may or may not have reached it, which is the point.
                        return;
                    }
                }
            })).ToArray();

            await enough.Task.WaitAsync(TestTimeouts.Default);
            server.Kill(); // SIGKILL with writes in flight: some stored and unanswered, some never stored
            await server.WaitForExitAsync();
            stopWriting.Cancel();
            await Task.WhenAll(writers).WaitAsync(TestTimeouts.Default);
        }

        await using var restarted = await _workspace.StartServeAsync();
        using var client = Client(restarted.BaseAddress, adminKey!);
        var retried = new ConcurrentDictionary<string, (System.Net.HttpStatusCode Status, string Body)>();
        await Parallel.ForEachAsync(sent, new ParallelOptions { MaxDegreeOfParallelism = KeyedWriters }, async (entry, ct) =>
        {
            using var response = await client.SendAsync(KeyedPost(entry.Value, entry.Key), ct);
            retried[entry.Key] = (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        });
        var stored = await AllHandoffsAsync(client);

        var context = $"(seed {seed}, {sent.Count} keys sent, {acknowledged.Count} answered before a kill)";
        var notDone = retried.Where(r => r.Value.Status != System.Net.HttpStatusCode.Created).ToList();
        Assert.True(notDone.Count == 0, $"{notDone.Count} retries were not done {context}: {string.Join("; ", notDone.Take(3).Select(r => $"{r.Key} → {(int)r.Value.Status} {r.Value.Body}"))}");
        foreach (var (key, _) in sent)
        {
            var id = JsonDocument.Parse(retried[key].Body).RootElement.GetProperty("id").GetString();
            var rows = stored.Where(h => h.Summary == $"keyed {key}").ToList();
            Assert.True(rows.Count == 1, $"key {key} has {rows.Count} handoffs {context}");
            Assert.Equal(rows[0].Id, id);
            if (acknowledged.TryGetValue(key, out var answeredId)) Assert.Equal(answeredId, id);
        }
    }

    private static string HandoffBody(string summary) => JsonSerializer.Serialize(new
    {
        venture = "alpha",
        repo = "example-org/alpha-console",
        from_agent = "keyed-writer",
        summary,
        status = "in_progress",
    });

    private static HttpRequestMessage KeyedPost(string body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/handoffs") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static async Task<List<(string Id, string Summary)>> AllHandoffsAsync(HttpClient http)
    {
        var handoffs = new List<(string, string)>();
        string? cursor = null;
        do
        {
            var url = "v1/handoffs?venture=alpha&limit=200" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var page = JsonDocument.Parse(await http.GetStringAsync(url));
            foreach (var item in page.RootElement.GetProperty("items").EnumerateArray())
                handoffs.Add((item.GetProperty("id").GetString()!, item.GetProperty("summary").GetString()!));
            cursor = page.RootElement.GetProperty("next_cursor").GetString();
        } while (cursor is not null);
        return handoffs;
    }

    private static HttpClient Client(Uri baseAddress, string key)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TestTimeouts.Default };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static async Task<HashSet<string>> AllHandoffIdsAsync(HttpClient http)
    {
        var ids = new HashSet<string>();
        string? cursor = null;
        do
        {
            var url = "v1/handoffs?venture=alpha&limit=200" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var page = JsonDocument.Parse(await http.GetStringAsync(url));
            foreach (var item in page.RootElement.GetProperty("items").EnumerateArray()) ids.Add(item.GetProperty("id").GetString()!);
            cursor = page.RootElement.GetProperty("next_cursor").GetString();
        } while (cursor is not null);
        return ids;
    }
}
