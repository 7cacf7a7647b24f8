using Baton.Core.Application;
using Baton.Core.Common;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Server.Http;

/// <summary>
/// The authenticated caller of the current request, as a scoped service: authentication fills it, and the scoped
/// <see cref="BatonServices"/> handlers take as a parameter are made for it.
/// </summary>
internal sealed class RequestCaller
{
    public Caller? Caller { get; set; }

    /// <summary>Registers the per-request caller and the services made for it.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddScoped<RequestCaller>();
        services.AddScoped(sp => sp.GetRequiredService<BatonServiceFactory>().For(
            sp.GetRequiredService<RequestCaller>().Caller ?? throw new InvalidOperationException("Authenticated routes only.")));
    }
}
