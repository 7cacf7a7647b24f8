using System.Globalization;
using System.Text.RegularExpressions;
using Baton.Core.Orchestration;

namespace Baton.Cli.Orchestration;

/// <summary>
/// The orchestrator's command-line spellings, parsed by small pure functions: a capability as
/// <c>name=weight[:requirement,…]</c>, a health check as <c>requirement=url-or-command</c>, and a time as a duration from
/// now (<c>90s</c>, <c>30m</c>, <c>2h</c>, <c>1d</c>) or an ISO 8601 timestamp. Every mistake is collected, so one run
/// names them all.
/// </summary>
public static partial class OrchestrationArguments
{
    /// <summary><c>code-review=0.9</c>, <c>deploy-service=0.7:argocd-healthy,kube-reachable</c>; names in <paramref name="preferred"/> are marked preferred.</summary>
    public static IReadOnlyList<CapabilityInput> Capabilities(IReadOnlyList<string> specs, IReadOnlyList<string> preferred, List<string> problems)
    {
        var capabilities = new List<CapabilityInput>();
        foreach (var spec in specs)
        {
            var match = CapabilityPattern().Match(spec.Trim());
            if (!match.Success)
            {
                problems.Add($"--capability '{spec}' must be name=weight or name=weight:requirement,… (e.g. code-review=0.9 or deploy-service=0.7:argocd-healthy).");
                continue;
            }
            var name = match.Groups["name"].Value;
            if (!double.TryParse(match.Groups["weight"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
            {
                problems.Add($"--capability '{spec}': the weight '{match.Groups["weight"].Value}' is not a number from 0 to 1.");
                continue;
            }
            var requirements = match.Groups["requirements"].Success
                ? match.Groups["requirements"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : [];
            capabilities.Add(new CapabilityInput(name, weight, preferred.Contains(name, StringComparer.Ordinal), requirements));
        }
        foreach (var name in preferred.Where(p => !capabilities.Any(c => c.Name == p)))
        {
            problems.Add($"--preferred '{name}' is not one of the --capability names ({string.Join(", ", capabilities.Select(c => c.Name))}).");
        }
        return capabilities;
    }

    /// <summary><c>requirement=https://…</c> becomes a URL the server probes; anything else after '=' a command the worker runs.</summary>
    public static IReadOnlyList<HealthCheckInput> HealthChecks(IReadOnlyList<string> specs, List<string> problems)
    {
        var checks = new List<HealthCheckInput>();
        foreach (var spec in specs)
        {
            var at = spec.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0 || at == spec.Length - 1)
            {
                problems.Add($"--health-check '{spec}' must be requirement=URL (the server probes it) or requirement=command (the worker runs it).");
                continue;
            }
            var requirement = spec[..at].Trim();
            var check = spec[(at + 1)..].Trim();
            var isUrl = check.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || check.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            checks.Add(isUrl ? new HealthCheckInput(requirement, Url: check) : new HealthCheckInput(requirement, Command: check));
        }
        return checks;
    }

    /// <summary>A duration from <paramref name="now"/> (<c>45s</c>, <c>30m</c>, <c>2h</c>, <c>3d</c>) or an ISO 8601 timestamp with an offset; null with a problem otherwise.</summary>
    public static DateTimeOffset? Time(string flag, string? text, DateTimeOffset now, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var value = text.Trim();
        var match = DurationPattern().Match(value);
        if (match.Success && long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            var unit = match.Groups["unit"].Value switch { "s" => 1, "m" => 60, "h" => 3_600, _ => 86_400 };
            if (n * unit <= 365L * 86_400) return now.AddSeconds(n * unit);
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            && value.Contains('T', StringComparison.Ordinal))
        {
            return at;
        }
        problems.Add($"{flag} '{value}' must be a duration from now (90s, 30m, 2h, 1d; at most a year) or a timestamp (2026-05-01T09:00:00Z).");
        return null;
    }

    [GeneratedRegex(@"^(?<name>[^=\s]+)=(?<weight>[^:\s]+)(:(?<requirements>.+))?$")]
    private static partial Regex CapabilityPattern();

    [GeneratedRegex(@"^(?<n>\d{1,9})(?<unit>[smhd])$")]
    private static partial Regex DurationPattern();
}
