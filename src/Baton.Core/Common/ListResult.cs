namespace Baton.Core.Common;

// Request and response shapes shared by the HTTP API, the typed client and local mode. Request fields are nullable
// on purpose: the services validate them and name every bad field, the same way in both modes.

/// <summary>A list with its exact total (no paging), as the SOD answer carries them.</summary>
public sealed record ListResult<T>(IReadOnlyList<T> Items, long Total);
