using Baton.Core.Common;


namespace Baton.Storage.Contract;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task InsertApiKey_ThenFindByHash_ReturnsEveryField()
    {
        var venture = await GivenVentureAsync();
        var key = Some.ApiKey(T0, KeyRole.Agent, venture.Code);

        await Store.InsertApiKeyAsync(key, Ct);

        Assert.Equal(key, await Store.FindApiKeyByHashOrNullAsync(key.KeyHash, Ct));
    }

    [Fact]
    public async Task FindApiKeyByHashOrNull_WhenHashUnknown_ReturnsNull()
    {
        await Store.InsertApiKeyAsync(Some.ApiKey(T0), Ct);

        Assert.Null(await Store.FindApiKeyByHashOrNullAsync(Some.Hash(), Ct));
    }

    [Fact]
    public async Task ListApiKeys_WithRevokedKey_ReturnsAllNewestFirst()
    {
        var first = Some.ApiKey(T0, KeyRole.Admin);
        var second = Some.ApiKey(T0.AddMinutes(1));
        var third = Some.ApiKey(T0.AddMinutes(2));
        foreach (var key in new[] { second, first, third }) await Store.InsertApiKeyAsync(key, Ct);
        await Store.RevokeApiKeyAsync(second.Id, T0.AddMinutes(3), Ct);

        var listed = await Store.ListApiKeysAsync(Ct);

        Assert.Equal([third.Id, second.Id, first.Id], listed.Select(k => k.Id));
        Assert.Equal(T0.AddMinutes(3), listed[1].RevokedAt);
    }

    [Fact]
    public async Task RevokeApiKey_WhenActive_ReturnsKeyRevokedAtNow()
    {
        var key = Some.ApiKey(T0);
        await Store.InsertApiKeyAsync(key, Ct);

        var revoked = await Store.RevokeApiKeyAsync(key.Id, T0.AddHours(1), Ct);

        Assert.Equal(key with { RevokedAt = T0.AddHours(1) }, revoked);
        Assert.Equal(T0.AddHours(1), (await Store.FindApiKeyByHashOrNullAsync(key.KeyHash, Ct))?.RevokedAt);
    }

    [Fact]
    public async Task RevokeApiKey_WhenAlreadyRevoked_KeepsFirstRevocationTime()
    {
        var key = Some.ApiKey(T0);
        await Store.InsertApiKeyAsync(key, Ct);
        await Store.RevokeApiKeyAsync(key.Id, T0.AddHours(1), Ct);

        var again = await Store.RevokeApiKeyAsync(key.Id, T0.AddHours(2), Ct);

        Assert.Equal(T0.AddHours(1), again?.RevokedAt);
    }

    [Fact]
    public async Task RevokeApiKey_WhenIdUnknown_ReturnsNull()
    {
        Assert.Null(await Store.RevokeApiKeyAsync(Some.Id("key"), T0, Ct));
    }

    [Fact]
    public async Task AnyAdminKey_WhenNoKeys_ReturnsFalse()
    {
        Assert.False(await Store.AnyAdminKeyAsync(Ct));
    }

    [Fact]
    public async Task AnyAdminKey_WhenOnlyAgentKeys_ReturnsFalse()
    {
        await Store.InsertApiKeyAsync(Some.ApiKey(T0, KeyRole.Agent), Ct);

        Assert.False(await Store.AnyAdminKeyAsync(Ct));
    }

    [Fact]
    public async Task AnyAdminKey_WhenAdminKeyExists_ReturnsTrue()
    {
        await Store.InsertApiKeyAsync(Some.ApiKey(T0, KeyRole.Admin), Ct);

        Assert.True(await Store.AnyAdminKeyAsync(Ct));
    }

    [Fact]
    public async Task AnyAdminKey_WhenOnlyAdminKeyRevoked_ReturnsFalse()
    {
        var admin = Some.ApiKey(T0, KeyRole.Admin);
        await Store.InsertApiKeyAsync(admin, Ct);
        await Store.RevokeApiKeyAsync(admin.Id, T0.AddMinutes(1), Ct);

        Assert.False(await Store.AnyAdminKeyAsync(Ct));
    }
}
