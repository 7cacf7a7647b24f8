using System.Text.Json.Nodes;
using Baton.Core.Common;
using Baton.Core.Sessions;
using Baton.Core.Storage;
using Baton.Core.Ventures;

namespace Baton.Storage.Contract;

/// <summary>
/// The storage contract: what every <see cref="IBatonStore"/> must do, whatever the database. A store's test project
/// subclasses this once and supplies a fresh, empty, initialised store per test. Times are always explicit (from
/// <see cref="Some.T0"/>), so nothing here depends on the machine's clock. The tests are split over partial files by
/// area (ventures, keys, sessions, handoffs, idempotency, request log).
/// </summary>
public abstract partial class StoreContractTests : StoreContractBase
{
    protected static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(45);
    /// <summary>
    /// Writes <paramref name="session"/> exactly as given, bypassing SOD's rules, to build states SOD never produces
    /// itself (several active sessions for one tuple, as a crash or an older version could leave behind).
    /// </summary>
    protected abstract Task SeedSessionAsync(Session session);

    protected async Task<Venture> GivenVentureAsync()
    {
        var venture = Some.Venture();
        await Store.UpsertVenturesAsync([venture], Ct);
        return venture;
    }

    protected static void AssertSameSession(Session expected, Session? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Meta = null }, actual with { Meta = null });
        Assert.True(JsonNode.DeepEquals(expected.Meta, actual.Meta), $"meta differs: {expected.Meta?.ToJsonString()} vs {actual.Meta?.ToJsonString()}");
    }

    protected static void AssertSameVenture(Venture expected, Venture? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Code, actual.Code);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Org, actual.Org);
        Assert.Equal(expected.Repos, actual.Repos);
        Assert.Equal(expected.Capabilities, actual.Capabilities);
        Assert.Equal(expected.SecretsPath, actual.SecretsPath);
        Assert.Equal(expected.DesignSpec, actual.DesignSpec);
        Assert.Equal(expected.Platform, actual.Platform);
        Assert.Equal(expected.NoteTags, actual.NoteTags);
    }

    /// <summary>Reads every page of a list, asserting the total stays the same on each page.</summary>
    protected static Task<List<T>> ReadAllPagesAsync<T>(Func<string?, Task<Page<T>>> readPage, long expectedTotal, int expectedPages) =>
        Paging.ReadAllAsync(readPage, expectedTotal, expectedPages);
}
