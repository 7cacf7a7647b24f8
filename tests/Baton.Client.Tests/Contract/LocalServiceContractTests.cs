using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Storage.Sqlite;

namespace Baton.Client.Tests.Contract;

/// <summary>The contract over local mode: Core's services in-process on a fresh SQLite file.</summary>
public sealed class LocalServiceContractTests : ServiceContractTests
{
    protected override async Task<ServiceSet> CreateServicesAsync()
    {
        var directory = new TempDirectory();
        var store = SqliteBatonStore.Open(SqliteStoreOptions.ForDataDirectory(directory.Path));
        await store.InitializeAsync(TestTimeouts.Token());
        var core = new BatonCore(store, TimeProvider.System, Random.Shared, new IdGenerator(TimeProvider.System), new CoreOptions());
        var services = BatonServices.For(core, Caller.Local(IdGenerator.NewCorrelationId()));
        return new ServiceSet(services.Sessions, services.Handoffs, services.Ventures, services.Keys, services.Notes, services.Docs, async () =>
        {
            await store.DisposeAsync();
            directory.Dispose();
        });
    }
}
