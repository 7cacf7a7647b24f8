using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Baton.Core.Ventures;

/// <summary>
/// A follow-up a venture declares (docs/architecture.md §3 <c>follow_ups</c>, §14 Supervision): when a task of
/// capability <see cref="After"/> succeeds, the completion's transaction creates a task of capability
/// <see cref="Create"/> — e.g. every succeeded <c>code</c> task gets a <c>review</c> task for its branch or PR.
/// </summary>
/// <param name="Title">Template of the new task's title (placeholders: <see cref="FollowUpTemplates.Placeholders"/>); null: "<c>Create: {title}</c>".</param>
/// <param name="Prompt">Template of the new task's prompt; null: a prompt naming the task, branch and PR and the result a review answers with.</param>
/// <param name="Priority">0–10; null: the completed task's priority.</param>
public sealed record FollowUpRule(string After, string Create, string? Title = null, string? Prompt = null, int? Priority = null)
{
    /// <summary>The rule's name in events and in a follow-up's <c>follow_up_chain</c> (the loop guard): <c>after-&gt;create</c>.</summary>
    [JsonIgnore]
    public string Key => $"{After}->{Create}";
}

/// <summary>The placeholders a follow-up's title and prompt templates may use, and their checks.</summary>
public static partial class FollowUpTemplates
{
    /// <summary>What a template may name: the completed task's title and id, and the attempt's branch and PR URL.</summary>
    public static IReadOnlyList<string> Placeholders { get; } = ["title", "task_id", "branch", "pr_url"];

    /// <summary>At most this many follow-up rules per venture.</summary>
    public const int MaxRules = 20;

    public const int MaxTitleTemplate = 200;
    public const int MaxPromptTemplate = 20_000;

    /// <summary>The <c>{name}</c> placeholders of <paramref name="template"/> that are not <see cref="Placeholders"/>, in order.</summary>
    public static IReadOnlyList<string> Unknown(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return PlaceholderPattern().Matches(template).Select(m => m.Groups[1].Value)
            .Where(name => !Placeholders.Contains(name, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Every problem of a venture's rules, each naming the rule by index (<c>follow_ups[1]</c>): capability names,
    /// template placeholders and lengths, the priority range, and a second rule for the same (after, create).
    /// </summary>
    public static IReadOnlyList<(int Index, string Problem)> Problems(IReadOnlyList<FollowUpRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var problems = new List<(int, string)>();
        if (rules.Count > MaxRules) problems.Add((MaxRules, $"a venture declares at most {MaxRules} follow-ups (got {rules.Count})."));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            foreach (var (field, value) in new[] { ("after", rule.After), ("create", rule.Create) })
            {
                if (string.IsNullOrEmpty(value) || !CapabilityPattern().IsMatch(value))
                    problems.Add((i, $"\"{field}\" must be a capability name (letters, digits, '.', '_' or '-', starting with a letter or digit; up to 100), like \"code\" or \"review\"."));
            }
            Template(problems, i, "title", rule.Title, MaxTitleTemplate);
            Template(problems, i, "prompt", rule.Prompt, MaxPromptTemplate);
            if (rule.Priority is < 0 or > 10) problems.Add((i, $"\"priority\" must be 0–10 (got {rule.Priority})."));
            if (!string.IsNullOrEmpty(rule.After) && !string.IsNullOrEmpty(rule.Create) && !seen.Add(rule.Key))
                problems.Add((i, $"a second rule from \"{rule.After}\" to \"{rule.Create}\"; merge them into one."));
        }
        return problems;
    }

    private static void Template(List<(int, string)> problems, int index, string field, string? template, int max)
    {
        if (template is null) return;
        if (template.Trim().Length == 0) problems.Add((index, $"\"{field}\" is empty; leave it out for the default."));
        if (template.Length > max) problems.Add((index, $"\"{field}\" is {template.Length:N0} characters; at most {max:N0}."));
        foreach (var name in Unknown(template))
            problems.Add((index, $"\"{field}\" names {{{name}}}; the placeholders are {string.Join(", ", Placeholders.Select(p => $"{{{p}}}"))}."));
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex CapabilityPattern();
}
