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
public abstract partial class KnowledgeStoreContractTests : StoreContractBase
{
    private IKnowledgeStore? _knowledge;

    protected IKnowledgeStore Knowledge => _knowledge ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>The store from <see cref="StoreContractBase.CreateStoreAsync"/>, which must implement <see cref="IKnowledgeStore"/> too.</summary>
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _knowledge = Store as IKnowledgeStore
                     ?? throw new InvalidOperationException($"The {Store.Kind} store does not implement {nameof(IKnowledgeStore)}.");
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
