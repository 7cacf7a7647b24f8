using Baton.Core.Storage;
using Baton.Storage.Contract;

namespace Baton.Storage.Sqlite.Tests;

/// <summary>The operations side of the storage contract run against the embedded store: a new database file per test.</summary>
public sealed class SqliteAlertStoreContractTests : AlertStoreContractTests
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

    [Fact]
    public async Task CheckSchema_AfterTheFileWasAlteredBehindTheStore_ReportsAMismatch()
    {
        var before = await Store.CheckSchemaAsync(Ct);
        using (var raw = _directory.OpenRawConnection())
        using (var alter = raw.CreateCommand())
        {
            alter.CommandText = "ALTER TABLE alerts ADD COLUMN sneaky TEXT";
            alter.ExecuteNonQuery();
        }

        var after = await Store.CheckSchemaAsync(Ct);

        Assert.True(before.Matches);
        Assert.False(after.Matches);
        Assert.Equal(before.ExpectedHash, after.ExpectedHash);
        Assert.NotEqual(before.LiveHash, after.LiveHash);
    }
}
