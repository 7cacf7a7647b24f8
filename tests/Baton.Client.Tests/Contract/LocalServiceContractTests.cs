using Baton.Core.Common;
using Baton.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Client.Tests.Contract;

/// <summary>The contract over local mode: Core's services in-process on a fresh SQLite file.</summary>
public sealed class LocalServiceContractTests : ServiceContractTests
{
    protected override async Task<ServiceSet> CreateServicesAsync()
    {
        var directory = new TempDirectory();
        var runtime = await BatonRuntime.StartAsync(
            new ServiceCollection().AddBaton(new BatonOptions(), new StoreOptions { DataDir = directory.Path }), TestTimeouts.Token());
        var services = runtime.For(Caller.Local(IdGenerator.NewCorrelationId()));
        return new ServiceSet(services.Sessions, services.Handoffs, services.Ventures, services.Keys, services.Notes, services.Docs, async () =>
        {
            await runtime.DisposeAsync();
            directory.Dispose();
        }) { Agents = services.Agents, Tasks = services.Tasks, Activity = services.Activity, Claims = services.Claims, Spend = services.Spend };
    }
}
