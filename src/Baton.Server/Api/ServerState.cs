using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Server.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Server.Api;

/// <summary>The process-wide things handlers need: the core services' dependencies and the key cache.</summary>
internal sealed class ServerState(BatonCore core, KeyCache keys)
{
    /// <summary>
    /// Replaced once, right after Kestrel has bound, when the port was 0: the briefing header names the real address.
    /// Reads and the one write are of a reference, so no lock is needed.
    /// </summary>
    public BatonCore Core { get; set; } = core;

    public KeyCache Keys { get; } = keys;
}

internal static class HandlerHelpers
{
    /// <summary>The core services acting for this request's authenticated caller.</summary>
    public static BatonServices Services(this HttpContext http)
    {
        var caller = http.Baton().Caller ?? throw new InvalidOperationException("Authenticated routes only.");
        return BatonServices.For(http.RequestServices.GetRequiredService<ServerState>().Core, caller);
    }

    /// <summary>Records the venture a request concerned, for the request log.</summary>
    public static void NoteVenture(this HttpContext http, string? venture) => http.Baton().Venture = venture;
}
