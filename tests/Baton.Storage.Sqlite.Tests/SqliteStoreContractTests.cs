using Baton.Core.Sessions;
using Baton.Core.Storage;
using Baton.Storage.Contract;

namespace Baton.Storage.Sqlite.Tests;

/// <summary>The storage contract run against the embedded store: a new database file per test.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly TempDirectory _directory = new();

    protected override async Task<IBatonStore> CreateStoreAsync()
    {
        var store = SqliteBatonStore.Open(_directory.StoreOptions());
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override async Task SeedSessionAsync(Session session)
    {
        // Through the store's own writer, so the row is committed before the test goes on.
        var store = (SqliteBatonStore)Store;
        await store.WriteAsync(db => SqliteBatonStore.InsertSession(db, session), Ct);
    }

    protected override void RunBetweenBriefingReads(Func<Task>? between) => ((SqliteBatonStore)Store).AfterFirstBriefingReads = between;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}
