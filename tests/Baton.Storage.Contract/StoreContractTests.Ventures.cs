namespace Baton.Storage.Contract;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task UpsertVentures_WhenNew_StoresEveryField()
    {
        var venture = Some.Venture() with { Platform = true, SecretsPath = null, DesignSpec = null, NoteTags = [] };

        await Store.UpsertVenturesAsync([venture], Ct);

        AssertSameVenture(venture, await Store.FindVentureOrNullAsync(venture.Code, Ct));
    }

    [Fact]
    public async Task UpsertVentures_WhenCodeExists_ReplacesEveryField()
    {
        var original = await GivenVentureAsync();
        var changed = Some.Venture(original.Code) with { Repos = ["other"], Capabilities = [], Platform = true };

        await Store.UpsertVenturesAsync([changed], Ct);

        AssertSameVenture(changed, await Store.FindVentureOrNullAsync(original.Code, Ct));
        Assert.Single(await Store.ListVenturesAsync(Ct));
    }

    [Fact]
    public async Task FindVentureOrNull_WhenCodeUnknown_ReturnsNull()
    {
        await GivenVentureAsync();

        Assert.Null(await Store.FindVentureOrNullAsync("nosuch", Ct));
    }

    [Fact]
    public async Task ListVentures_WithSeveral_ReturnsAllOrderedByCode()
    {
        var ventures = new[] { Some.Venture("zeta1"), Some.Venture("alpha1"), Some.Venture("mid1") };

        await Store.UpsertVenturesAsync(ventures, Ct);

        var listed = await Store.ListVenturesAsync(Ct);
        Assert.Equal(["alpha1", "mid1", "zeta1"], listed.Select(v => v.Code));
        AssertSameVenture(ventures[0], listed[2]);
    }

    [Fact]
    public async Task ListVentures_WhenEmpty_ReturnsEmpty()
    {
        Assert.Empty(await Store.ListVenturesAsync(Ct));
    }
}
