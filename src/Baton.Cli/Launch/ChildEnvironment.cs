namespace Baton.Cli.Launch;

/// <summary>The agent's environment: the launcher's, minus deny-listed variables, plus the venture's secrets and Baton's own.</summary>
public static class ChildEnvironment
{
    /// <summary>
    /// Never inherited: another venture's Baton settings, and the secrets manager's own token (the agent gets the
    /// secrets it needs, not the key to all of them).
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultDeny = ["BATON_*", "INFISICAL_TOKEN", "INFISICAL_*"];

    /// <summary>The variables every launched agent gets; its MCP config passes exactly these on to <c>baton mcp</c>.</summary>
    public static readonly IReadOnlyList<string> BatonVariables = ["BATON_URL", "BATON_KEY", "BATON_VENTURE", "BATON_AGENT", "BATON_ENV", "BATON_DATA_DIR", "BATON_TRACK"];

    /// <summary>The <see cref="BatonVariables"/> a launch sets in <paramref name="baton"/>, in their usual order (local mode sets no URL, and no key unless the secrets hold one).</summary>
    public static IReadOnlyList<string> SetIn(IReadOnlyDictionary<string, string> baton) => [.. BatonVariables.Where(baton.ContainsKey)];

    /// <summary>
    /// Pure: <paramref name="inherited"/> without names matching <paramref name="deny"/> (exact names, or prefixes ending in
    /// <c>*</c>), then <paramref name="secrets"/>, then <paramref name="baton"/> (which win).
    /// </summary>
    public static Dictionary<string, string> Build(
        IReadOnlyDictionary<string, string> inherited, IReadOnlyList<string> deny,
        IReadOnlyDictionary<string, string> secrets, IReadOnlyDictionary<string, string> baton)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in inherited)
        {
            if (!IsDenied(name, deny)) result[name] = value;
        }
        foreach (var (name, value) in secrets) result[name] = value;
        foreach (var (name, value) in baton) result[name] = value;
        return result;
    }

    public static bool IsDenied(string name, IReadOnlyList<string> deny) =>
        deny.Any(pattern => pattern.EndsWith('*')
            ? name.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : string.Equals(name, pattern, StringComparison.Ordinal));
}
