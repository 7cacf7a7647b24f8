using Baton.Core.Storage;

namespace Baton.Storage.Contract;

/// <summary>
/// What every contract suite does around its tests: a fresh store per test from the store's test project, the shared
/// timeout on every call, the store disposed after. Times are explicit, measured from <see cref="T0"/>, so nothing in a
/// suite depends on the machine's clock.
/// </summary>
public abstract class StoreContractBase : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = Some.T0;

    private readonly CancellationTokenSource _timeout = new(TestTimeouts.Default);
    private IBatonStore? _store;

    protected IBatonStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A fresh, empty store with its migrations applied. Disposed by <see cref="DisposeAsync"/>.</summary>
    protected abstract Task<IBatonStore> CreateStoreAsync();

    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        _timeout.Dispose();
    }
}
