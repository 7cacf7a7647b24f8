using Baton.Server;

namespace Baton.Client.Tests.Contract;

/// <summary>The contract over server mode: <see cref="BatonHttpClient"/> against a real server on a loopback port.</summary>
public sealed class HttpServiceContractTests : ServiceContractTests
{
    protected override async Task<ServiceSet> CreateServicesAsync()
    {
        var directory = new TempDirectory();
        var server = await BatonServerHost.StartAsync(
            new ServerOptions { DataDir = directory.Path, Listen = "127.0.0.1:0", RateLimitPerMinute = 0 }, TextWriter.Null, TestTimeouts.Token());
        var key = (await File.ReadAllTextAsync(server.AdminKeyPath!)).Trim();
        var client = new BatonHttpClient(new BatonClientOptions { BaseAddress = server.BaseAddress, Key = key });
        return new ServiceSet(client, client, client, client, client, client, async () =>
        {
            client.Dispose();
            await server.StopAsync();
            directory.Dispose();
        }) { Agents = client, Tasks = client, Activity = client, Claims = client, Spend = client };
    }
}
