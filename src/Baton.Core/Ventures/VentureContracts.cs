namespace Baton.Core.Ventures;

// Request and response shapes shared by the HTTP API, the typed client and local mode. Request fields are nullable
// on purpose: the services validate them and name every bad field, the same way in both modes.

// The operations every front end offers. Local mode implements them in-process over the store (this assembly);
// server mode implements them over HTTP (Baton.Client). One contract suite runs against both. Failures a caller can
// act on are thrown as BatonException with a stable code.

public sealed record PutVentureRequest(
    string? Name,
    string? Org,
    IReadOnlyList<string>? Repos = null,
    IReadOnlyList<string>? Capabilities = null,
    string? SecretsPath = null,
    string? DesignSpec = null,
    bool? Platform = null,
    IReadOnlyList<string>? NoteTags = null,
    double? DailyBudgetUsd = null,
    IReadOnlyList<FollowUpRule>? FollowUps = null,
    Workflows.WorkflowSettings? Workflow = null);

public interface IVentureService
{
    Task<IReadOnlyList<Venture>> ListVenturesAsync(CancellationToken ct);
    Task<Venture> GetVentureAsync(string code, CancellationToken ct);
    /// <summary>Creates or replaces a venture (admin).</summary>
    Task<Venture> PutVentureAsync(string code, PutVentureRequest request, CancellationToken ct);
}
