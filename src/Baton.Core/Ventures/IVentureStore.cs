namespace Baton.Core.Ventures;

/// <summary>The venture registry as stored (ventures.json is upserted into it at start).</summary>
public interface IVentureStore
{
    Task UpsertVenturesAsync(IReadOnlyList<Venture> ventures, CancellationToken ct);
    Task<Venture?> FindVentureOrNullAsync(string code, CancellationToken ct);
    /// <summary>All ventures, ordered by code.</summary>
    Task<IReadOnlyList<Venture>> ListVenturesAsync(CancellationToken ct);
}
