using Baton.Core.Storage;
using Baton.Storage.Contract;

namespace Baton.Storage.Sqlite.Tests;

/// <summary>The change-log side of the storage contract run against the embedded store: a new database file per test.</summary>
public sealed class SqliteChangeStoreContractTests : ChangeStoreContractTests
{
    private readonly TempDirectory _directory = new();

    protected override async Task<IBatonStore> CreateStoreAsync()
    {
        var store = SqliteBatonStore.Open(_directory.StoreOptions());
        await store.InitializeAsync(Ct);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}
