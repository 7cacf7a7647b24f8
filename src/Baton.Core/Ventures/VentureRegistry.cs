namespace Baton.Core.Ventures;

/// <summary>Applying the venture registry file (<c>ventures.json</c>) to the store.</summary>
public static class VentureRegistry
{
    /// <summary>
    /// The ventures of the file that the store does not already hold exactly as written: new codes, and codes whose
    /// fields differ. Every process start applies the file; when nothing changed there is nothing to write, so a
    /// local-mode verb does not take the store's write lock for it. Ventures only in the store are left alone, as the
    /// upsert always did.
    /// </summary>
    public static IReadOnlyList<Venture> Changed(IReadOnlyList<Venture> file, IReadOnlyList<Venture> stored)
    {
        var byCode = stored.ToDictionary(v => v.Code, StringComparer.Ordinal);
        return file.Where(v => !byCode.TryGetValue(v.Code, out var held) || !Same(v, held)).ToList();
    }

    private static bool Same(Venture a, Venture b) =>
        a.Name == b.Name && a.Org == b.Org && a.SecretsPath == b.SecretsPath && a.DesignSpec == b.DesignSpec && a.Platform == b.Platform &&
        a.Repos.SequenceEqual(b.Repos, StringComparer.Ordinal) && a.Capabilities.SequenceEqual(b.Capabilities, StringComparer.Ordinal) &&
        a.NoteTags.SequenceEqual(b.NoteTags, StringComparer.Ordinal) && a.DailyBudgetUsd == b.DailyBudgetUsd && a.FollowUps.SequenceEqual(b.FollowUps) &&
        Workflows.WorkflowSettingsRules.Same(a.Workflow, b.Workflow);
}
