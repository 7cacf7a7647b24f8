using Baton.Core.Common;
using Baton.Core.Knowledge;
using Baton.Core.Storage;


namespace Baton.Storage.Contract;

/// <summary>
/// The knowledge side of the storage contract (<see cref="IKnowledgeStore"/>): notes and their search, versioned docs,
/// doc requirements. A store's test project subclasses this once and supplies a fresh, initialised store per test that
/// implements both ports. Notes and docs may live under any venture code or <c>global</c> without the venture being
/// registered, so these tests use fresh codes to keep each test's data apart. Split over partial files by area.
/// </summary>
public abstract partial class KnowledgeStoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = Some.T0;

    private readonly CancellationTokenSource _timeout = new(TestTimeouts.Default);
    private IBatonStore? _store;
    private IKnowledgeStore? _knowledge;

    protected IBatonStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected IKnowledgeStore Knowledge => _knowledge ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A fresh store with its migrations applied, implementing <see cref="IKnowledgeStore"/> too. Disposed by <see cref="DisposeAsync"/>.</summary>
    protected abstract Task<IBatonStore> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        _knowledge = _store as IKnowledgeStore
                     ?? throw new InvalidOperationException($"The {_store.Kind} store does not implement {nameof(IKnowledgeStore)}.");
    }

    public virtual async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        _timeout.Dispose();
    }

    protected async Task<Note> GivenNoteAsync(Note note)
    {
        await Knowledge.InsertNoteAsync(note, Ct);
        return note;
    }

    protected Task<Page<NoteHit>> SearchAsync(
        string? text,
        IReadOnlyList<string>? anyTags = null,
        IReadOnlyList<string>? ventures = null,
        IReadOnlyList<string>? excludeVentures = null,
        bool includeArchived = false,
        int limit = PageRequest.MaxLimit,
        string? cursor = null) =>
        Knowledge.SearchNotesAsync(new NoteQuery(text, anyTags, ventures, excludeVentures, includeArchived, new PageRequest(limit, cursor)), Ct);

    /// <summary>Ids of the hits, in the order the store gave them.</summary>
    protected static List<string> Ids(Page<NoteHit> page) => page.Items.Select(h => h.Note.Id).ToList();
}
