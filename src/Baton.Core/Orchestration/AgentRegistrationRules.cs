using System.Text.RegularExpressions;
using Baton.Core.Common;
using Baton.Core.Orchestration.Agents;

namespace Baton.Core.Orchestration;

/// <summary>An agent's registration as checked: what <see cref="AgentRegistrationRules.Check"/> made of the input.</summary>
public sealed record CheckedAgent(string Name, AgentCli Cli, IReadOnlyList<AgentCapability> Capabilities, IReadOnlyList<HealthCheck> HealthChecks, int MaxConcurrency);

/// <summary>
/// What makes an agent's registration valid — name, cli, capabilities, health checks, max_concurrency — once, for the
/// server's registration (<see cref="AgentService"/>) and for a worker's <c>worker.json</c> (Baton.Local), which must
/// refuse exactly what the server would refuse, before it starts. Problems go to the <see cref="Validator"/> under
/// the wire's field names (<c>capabilities[0].weight</c>).
/// </summary>
public static partial class AgentRegistrationRules
{
    public static CheckedAgent Check(Validator v, string? name, AgentCli? cli, IReadOnlyList<CapabilityInput?>? capabilities,
        IReadOnlyList<HealthCheckInput?>? healthChecks, int? maxConcurrency)
    {
        ArgumentNullException.ThrowIfNull(v);
        var checkedName = Name(v, "name", name, AgentRules.MaxNameLength);
        if (checkedName.Length > 0 && IdGenerator.IsId(checkedName, IdGenerator.Agent))
            v.Add("name", "must not look like an agent id (agent_…): ids and names are both accepted where an agent is named.");
        var checkedCli = v.Required("cli", cli);
        var checkedCapabilities = Capabilities(v, capabilities);
        var checks = HealthChecks(v, healthChecks, checkedCapabilities);
        var checkedMax = v.Range("max_concurrency", maxConcurrency, 1, AgentRules.MaxConcurrencyLimit, 1);
        return new CheckedAgent(checkedName, checkedCli, checkedCapabilities, checks, checkedMax);
    }

    /// <summary>A name: letters, digits, '.', '_', '-', starting with a letter or digit.</summary>
    public static string Name(Validator v, string field, string? value, int max)
    {
        ArgumentNullException.ThrowIfNull(v);
        var name = v.Required(field, value, max);
        if (name.Length > 0 && !NamePattern().IsMatch(name))
            v.Add(field, $"'{name}' must be letters, digits, '.', '_' or '-', starting with a letter or digit.");
        return name;
    }

    private static List<AgentCapability> Capabilities(Validator v, IReadOnlyList<CapabilityInput?>? inputs)
    {
        var capabilities = new List<AgentCapability>();
        if (inputs is null || inputs.Count == 0)
        {
            v.Add("capabilities", "at least one capability is required: [{\"name\": \"deploy-service\", \"weight\": 0.9}].");
            return capabilities;
        }
        if (inputs.Count > AgentRules.MaxCapabilities) v.Add("capabilities", $"must have at most {AgentRules.MaxCapabilities} entries (got {inputs.Count}).");
        for (var i = 0; i < inputs.Count; i++)
        {
            var field = $"capabilities[{i}]";
            if (inputs[i] is not { } input)
            {
                v.Add(field, "must be an object, not null.");
                continue;
            }
            var name = Name(v, $"{field}.name", input.Name, 100);
            if (input.Weight is not { } weight) v.Add($"{field}.weight", "is required: a number from 0 to 1.");
            else if (double.IsNaN(weight) || weight is < 0 or > 1) v.Add($"{field}.weight", $"must be from 0 to 1 (got {weight}).");
            var requirements = v.Entries($"{field}.requirements", input.Requirements);
            if (requirements.Count > AgentRules.MaxRequirements)
                v.Add($"{field}.requirements", $"must have at most {AgentRules.MaxRequirements} entries (got {requirements.Count}).");
            var cleaned = requirements.Select((r, j) => Name(v, $"{field}.requirements[{j}]", r, 100)).Distinct(StringComparer.Ordinal).ToList();
            if (capabilities.Any(c => c.Name == name)) v.Add($"{field}.name", $"'{name}' is listed twice.");
            capabilities.Add(new AgentCapability(name, input.Weight ?? 0, input.Preferred ?? false, cleaned));
        }
        return capabilities;
    }

    private static List<HealthCheck> HealthChecks(Validator v, IReadOnlyList<HealthCheckInput?>? inputs, List<AgentCapability> capabilities)
    {
        var checks = new List<HealthCheck>();
        if (inputs is null) return checks;
        var required = capabilities.SelectMany(c => c.Requirements).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            var field = $"health_checks[{i}]";
            if (inputs[i] is not { } input)
            {
                v.Add(field, "must be an object, not null.");
                continue;
            }
            var requirement = Name(v, $"{field}.requirement", input.Requirement, 100);
            if (requirement.Length > 0 && !required.Contains(requirement))
                v.Add($"{field}.requirement", $"'{requirement}' is not a requirement of any capability.");
            if (checks.Any(c => c.Requirement == requirement)) v.Add($"{field}.requirement", $"'{requirement}' has two checks.");
            var url = v.Text($"{field}.url", input.Url, 2_000);
            var command = v.Text($"{field}.command", input.Command, 2_000);
            if (string.IsNullOrEmpty(url) == string.IsNullOrEmpty(command))
                v.Add(field, "give exactly one of url (the server probes it) or command (the worker runs it).");
            if (!string.IsNullOrEmpty(url) && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                v.Add($"{field}.url", "must be an absolute http or https URL.");
            checks.Add(new HealthCheck(requirement, string.IsNullOrEmpty(url) ? null : url, string.IsNullOrEmpty(command) ? null : command));
        }
        return checks;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NamePattern();
}
