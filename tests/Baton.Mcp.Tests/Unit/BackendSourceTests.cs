using Baton.Core.Common;
using Baton.Core.Storage;
using Baton.Local.Settings;

namespace Baton.Mcp.Tests.Unit;

/// <summary>The backend opened at the first tool call: once, again after a failure, closed in order.</summary>
public sealed class BackendSourceTests
{
    private static readonly BatonBackend Backend = new(null!, null!, null!, null, null, BackendMode.Local, "local: test", false);

    private static CancellationToken Ct => TestTimeouts.Token();

    [Fact]
    public async Task GetAsync_ManyCallsWhileOpening_OpensOnce()
    {
        var opens = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var source = new BackendSource(BackendMode.Local, "local: test", false, async _ =>
        {
            Interlocked.Increment(ref opens);
            await release.Task;
            return new OpenedBackend(Backend, null);
        });

        var calls = Enumerable.Range(0, 5).Select(_ => source.GetAsync(Ct)).ToList();
        source.Warm();
        release.SetResult();
        var backends = await Task.WhenAll(calls);

        Assert.Equal(1, opens);
        Assert.All(backends, b => Assert.Same(Backend, b));
    }

    [Fact]
    public async Task GetAsync_OpenFailed_TheNextCallOpensAgain()
    {
        var opens = 0;
        await using var source = new BackendSource(BackendMode.Local, "local: test", false, _ =>
            ++opens == 1 ? throw new VentureFileException("ventures.json:3: not valid JSON.") : Task.FromResult(new OpenedBackend(Backend, null)));

        var first = await Assert.ThrowsAsync<ToolProblem>(() => source.GetAsync(Ct));
        var second = await source.GetAsync(Ct);

        Assert.Equal(McpErrorCodes.InvalidConfiguration, first.Code);
        Assert.StartsWith("ventures.json:3: not valid JSON.", first.Message);
        Assert.Same(Backend, second);
        Assert.Equal(2, opens);
    }

    [Fact]
    public async Task GetAsync_StoreUnavailable_IsTheStoresCodeWithItsOwnReason()
    {
        await using var source = new BackendSource(BackendMode.Local, "local: test", false, _ =>
            throw new StoreUnavailableException(StorageFailure.ReadOnly, "/data", "The data directory /data is read-only: make it writable.", null));

        var problem = await Assert.ThrowsAsync<BatonException>(() => source.GetAsync(Ct));

        Assert.Equal(ErrorCodes.StorageUnavailable, problem.Code);
        Assert.Equal("The data directory /data is read-only: make it writable.", problem.Detail);
    }

    [Fact]
    public async Task GetAsync_UnexpectedFailure_NamesTheBackend()
    {
        await using var source = new BackendSource(BackendMode.Local, "local: /data/baton.db", false, _ =>
            throw new InvalidOperationException("SQLite refused WAL mode."));

        var problem = await Assert.ThrowsAsync<ToolProblem>(() => source.GetAsync(Ct));

        Assert.Equal(McpErrorCodes.NotAvailable, problem.Code);
        Assert.Equal("Baton's backend (local: /data/baton.db) could not be opened: SQLite refused WAL mode.", problem.Message);
    }

    [Fact]
    public async Task DisposeAsync_OpenUnderWay_WaitsForItThenClosesWhatItOpened()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var owner = new Owner();
        var source = new BackendSource(BackendMode.Local, "local: test", false, async _ =>
        {
            started.SetResult();
            await release.Task;
            return new OpenedBackend(Backend, owner);
        });
        source.Warm();
        await started.Task.WaitAsync(Ct);

        var disposing = source.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted, "dispose waits for the open under way");
        release.SetResult();
        await disposing.WaitAsync(Ct);

        Assert.True(owner.Disposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => source.GetAsync(Ct));
    }

    private sealed class Owner : IAsyncDisposable
    {
        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
