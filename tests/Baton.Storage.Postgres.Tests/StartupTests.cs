using Baton.Core.Storage;
namespace Baton.Storage.Postgres.Tests;

/// <summary>What a replica says when the database is missing, and that replicas starting together migrate once.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Initialize_WhenTheDatabaseCannotBeReached_SaysSoWithThePasswordMasked()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        var store = PostgresBatonStore.Open(new PostgresStoreOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=baton;Password=hunter2secret;Database=baton" });

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.InitializeAsync(CancellationToken.None));

        Assert.DoesNotContain("hunter2secret", error.Message);
        Assert.Contains("Password=***", error.Message);
        Assert.Contains("--store-url", error.Message);
        await store.DisposeAsync();
    }

    [Fact]
    public void Mask_PostgresUrl_HidesThePassword()
    {
        var masked = ConnectionStrings.Mask("postgres://baton:s3cr%40t@db.example:5433/baton");

        Assert.DoesNotContain("s3cr", masked);
        Assert.Contains("Host=db.example", masked);
        Assert.Contains("Port=5433", masked);
    }

    [Fact]
    public async Task Initialize_SeveralReplicasAtOnce_ApplyTheMigrationsOnceAndAllStart()
    {
        var (schema, connectionString) = await TestDatabase.CreateSchemaAsync(CancellationToken.None);
        var stores = Enumerable.Range(0, 4).Select(_ => PostgresBatonStore.Open(new PostgresStoreOptions { ConnectionString = connectionString })).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => s.InitializeAsync(CancellationToken.None)));

            var requirements = await stores[3].ListDocRequirementsAsync(CancellationToken.None);
            Assert.Equal(3, requirements.Count); // the seed ran once, not four times
        }
        finally
        {
            foreach (var store in stores) await store.DisposeAsync();
            await TestDatabase.DropSchemaAsync(schema);
        }
    }
}
