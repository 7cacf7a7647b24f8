using System.Globalization;
using System.Net.Http.Headers;

namespace Baton.Storage.Postgres.Tests;

/// <summary>One built <c>baton serve --store postgres</c> process on a free loopback port.</summary>
internal sealed class Replica : IAsyncDisposable
{
    private readonly ServeProcess _serve;

    private Replica(ServeProcess serve) => _serve = serve;

    public Uri BaseAddress => _serve.BaseAddress;

    /// <summary>Starts a replica on <paramref name="storeUrl"/> with <paramref name="dataDir"/> for its admin.key.</summary>
    public static async Task<Replica> StartAsync(string storeUrl, string dataDir, int rateLimit)
    {
        var start = BatonProcess.StartInfo(null, new Dictionary<string, string>(),
        [
            "serve", "--listen", "127.0.0.1:0", "--rate-limit", rateLimit.ToString(CultureInfo.InvariantCulture),
            "--store", "postgres", "--store-url", storeUrl, "--data-dir", dataDir,
        ]);
        return new Replica(await ServeProcess.StartAsync(start));
    }

    /// <summary>A client of this replica with <paramref name="key"/> as its bearer key.</summary>
    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TestTimeouts.Default };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>SIGKILL: no chance to flush or say goodbye.</summary>
    public void Kill() => _serve.Kill();

    public ValueTask DisposeAsync() => _serve.DisposeAsync();
}
