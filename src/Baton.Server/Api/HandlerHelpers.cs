using Baton.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Baton.Server.Api;

internal static class HandlerHelpers
{
    /// <summary>Records the venture a request concerned, for the request log.</summary>
    public static void NoteVenture(this HttpContext http, string? venture) => http.Baton().Venture = venture;
}
