using Baton.Core.Requests;
using Baton.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Storage.Postgres;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Registers the PostgreSQL store as <see cref="IBatonStore"/> (opened lazily, initialised by the host's start-up),
    /// and as the <see cref="IRateLimitCounter"/> replicas share: one actor's limit then holds across all of them.
    /// </summary>
    public static IServiceCollection AddPostgresStore(this IServiceCollection services, PostgresStoreOptions options)
    {
        services.AddSingleton(_ => PostgresBatonStore.Open(options));
        services.AddSingleton<IBatonStore>(sp => sp.GetRequiredService<PostgresBatonStore>());
        services.AddSingleton<IRateLimitCounter>(sp => sp.GetRequiredService<PostgresBatonStore>());
        return services;
    }
}
