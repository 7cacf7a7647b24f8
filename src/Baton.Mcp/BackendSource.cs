using Baton.Core.Common;
using Baton.Core.Storage;
using Baton.Local.Settings;

namespace Baton.Mcp;

/// <summary>An opened backend and what closes it (the local store; null when nothing needs closing).</summary>
public sealed record OpenedBackend(BatonBackend Backend, IAsyncDisposable? Owner);

/// <summary>
/// The backend the tools call, opened on first need instead of before <c>initialize</c> (decision 0014): an agent CLI
/// waits on our <c>initialize</c> answer at every launch, and in local mode opening the store (migrations, the venture
/// registry) was most of that wait. What the process knows without opening anything — the mode, the label, whether a
/// key is set — is here from the start. <see cref="Warm"/> starts the open in the background once the client has
/// finished its handshake, so the first tool call usually finds it done; a failed open is reported by the tool call
/// that needed it, with the message <c>baton</c> would print at a terminal, and the next call tries again.
/// </summary>
public sealed class BackendSource : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<OpenedBackend>> _open;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task<OpenedBackend>? _opening;
    private bool _disposed;

    /// <param name="open">Opens the services; called again after a failure, never twice at once.</param>
    public BackendSource(BackendMode mode, string label, bool keyConfigured, Func<CancellationToken, Task<OpenedBackend>> open)
    {
        Mode = mode;
        Label = label;
        KeyConfigured = keyConfigured;
        _open = open;
    }

    /// <summary>A backend that is already open (in-memory tests, embedding): nothing to open, nothing to close.</summary>
    public static BackendSource Of(BatonBackend backend) =>
        new(backend.Mode, backend.Label, backend.KeyConfigured, _ => Task.FromResult(new OpenedBackend(backend, null)));

    public BackendMode Mode { get; }

    /// <summary>Where the data lives, for people: the server URL or <c>local: &lt;db path&gt;</c>.</summary>
    public string Label { get; }

    /// <summary>Server mode only: whether <c>BATON_KEY</c> is set.</summary>
    public bool KeyConfigured { get; }

    /// <summary>Starts opening in the background, if nothing is open or opening yet. A failure waits for the next tool call to report it.</summary>
    public void Warm()
    {
        // Observed here so a failed warm-up is never an unobserved task exception; the tool call reports it.
        Opening()?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>
    /// The opened backend. A failure to open is a <see cref="BatonException"/> (a store that cannot be opened: its code
    /// and one-line reason) or a <see cref="ToolProblem"/> (a malformed venture registry, anything else), so the agent
    /// reads the same fix a terminal would show.
    /// </summary>
    public async Task<BatonBackend> GetAsync(CancellationToken ct)
    {
        var opening = Opening() ?? throw new ObjectDisposedException(nameof(BackendSource));
        try
        {
            return (await opening.WaitAsync(ct)).Backend;
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && ct.IsCancellationRequested))
        {
            throw Explain(ex);
        }
    }

    private Task<OpenedBackend>? Opening()
    {
        lock (_gate)
        {
            if (_disposed) return null;
            // A failed open is not remembered: the next call tries again (a fixed file, a freed disk).
            if (_opening is null || _opening.IsFaulted || _opening.IsCanceled) _opening = Task.Run(() => _open(_stop.Token));
            return _opening;
        }
    }

    private Exception Explain(Exception ex) => ex switch
    {
        // What `baton` prints at a terminal for these, with the same code.
        StoreUnavailableException store => new BatonException(store.ToProblem().Code, store.Message),
        VentureFileException file => new ToolProblem(McpErrorCodes.InvalidConfiguration, file.Message + " Fix the file, then call the tool again."),
        BatonException or ToolProblem => ex,
        _ => new ToolProblem(McpErrorCodes.NotAvailable, $"Baton's backend ({Label}) could not be opened: {ex.Message}"),
    };

    public async ValueTask DisposeAsync()
    {
        Task<OpenedBackend>? opening;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            opening = _opening;
        }
        await _stop.CancelAsync();
        if (opening is null) return;
        try
        {
            // An open still under way (the client left right after initialize) finishes, then closes in order.
            if ((await opening).Owner is { } owner) await owner.DisposeAsync();
        }
        catch (Exception)
        {
            // It never opened: nothing to close, and no tool call is left to tell.
        }
        _stop.Dispose();
    }
}
