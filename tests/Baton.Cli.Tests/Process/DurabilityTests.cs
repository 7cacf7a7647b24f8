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
