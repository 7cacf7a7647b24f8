using Baton.Core.Ventures;

namespace Baton.Core.Tests;

/// <summary>Which ventures of the registry file a start must write: only those the store does not hold as written.</summary>
public sealed class VentureRegistryTests
{
    private static Venture Alpha(string name = "Project Alpha", IReadOnlyList<string>? repos = null) =>
        new("alpha", name, "example-org", repos ?? ["alpha-console"], ["has_api"], null, null, false, ["executive-summary"]);

    private static readonly Venture Beta = new("beta", "Project Beta", "example-org", ["beta-web"], [], null, null, true, []);

    [Fact]
    public void Changed_StoreHoldsTheFileAsWritten_Nothing()
    {
        // Equal lists in other instances: what reading the store back gives.
        Assert.Empty(VentureRegistry.Changed([Alpha(), Beta], [Beta with { Repos = ["beta-web"] }, Alpha()]));
    }

    [Fact]
    public void Changed_NewCodeAndChangedFields_OnlyThose()
    {
        var renamed = Alpha("Alpha Console");
        var moreRepos = Alpha(repos: ["alpha-console", "alpha-api"]);

        Assert.Equal([Beta], VentureRegistry.Changed([Alpha(), Beta], [Alpha()]));
        Assert.Equal([renamed], VentureRegistry.Changed([renamed], [Alpha()]));
        Assert.Equal([moreRepos], VentureRegistry.Changed([moreRepos], [Alpha()]));
    }

    [Fact]
    public void Changed_VentureOnlyInTheStore_LeftAlone()
    {
        Assert.Empty(VentureRegistry.Changed([Alpha()], [Alpha(), Beta]));
    }
}
