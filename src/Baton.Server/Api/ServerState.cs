using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Server.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Server.Api;

internal static class HandlerHelpers
{
    /// <summary>Records the venture a request concerned, for the request log.</summary>
    public static void NoteVenture(this HttpContext http, string? venture) => http.Baton().Venture = venture;
}
