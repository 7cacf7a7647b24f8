using Baton.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Baton.Storage.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// Registers the embedded store as <see cref="IBatonStore"/> (opened lazily, initialised by the host's start-up)
    /// and its background WAL checkpoints as a hosted service.
    /// </summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services, SqliteStoreOptions options)
    {
        services.AddSingleton(_ => SqliteBatonStore.Open(options));
        services.AddSingleton<IBatonStore>(sp => sp.GetRequiredService<SqliteBatonStore>());
        services.AddSingleton<IHostedService, Checkpointer>();
        return services;
    }
}
