using System.Globalization;

namespace Baton.Core.Orchestration.Tasks;

/// <summary>A venture's daily budget and what its task results cost since the UTC day began, in micro-dollars (exact, as spend sums them).</summary>
public sealed record VentureBudget(string Venture, double DailyBudgetUsd, long SpentTodayMicros);

/// <summary>
/// What the budgets make of a pass's queue: the tasks that may be assigned, the tasks whose <see cref="BatonTask.Held"/>
/// changed (held now, or released: to be saved), and whether any task is held (the next UTC midnight is then due).
/// </summary>
public sealed record BudgetPass(IReadOnlyList<BatonTask> Assignable, IReadOnlyList<BatonTask> HoldChanged, bool AnyHeld);

/// <summary>
/// Per-venture daily budgets (docs/architecture.md §14 Budgets). A queued task of a venture with a budget is not
/// assigned while the venture's spend today (UTC) plus the task's <c>max_cost_usd</c> (0 when unset) exceeds the
/// budget; a task without one is held once the day's spend reaches the budget. Pure: the store reads the budgets and
/// the day's spend in the pass's transaction and persists what <see cref="Apply"/> says.
/// </summary>
public static class BudgetRule
{
    /// <summary>The largest budget accepted: a day's spend of a venture stays far from overflowing micro-dollars.</summary>
    public const double MaxDailyBudgetUsd = 1_000_000;

    /// <summary>Null when <paramref name="budget"/> is acceptable (absent, or more than 0 and at most <see cref="MaxDailyBudgetUsd"/>); else what is wrong.</summary>
    public static string? BudgetProblem(double? budget) =>
        budget is { } b && (double.IsNaN(b) || double.IsInfinity(b) || b <= 0 || b > MaxDailyBudgetUsd)
            ? $"must be a number of dollars more than 0 and at most {MaxDailyBudgetUsd.ToString("N0", CultureInfo.InvariantCulture)}."
            : null;

    /// <summary>Midnight UTC starting the day of <paramref name="now"/>: results finished at or after it count as today's.</summary>
    public static DateTimeOffset DayStart(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);

    /// <summary>The next midnight UTC after <paramref name="now"/>: when a held task may become assignable.</summary>
    public static DateTimeOffset NextMidnight(DateTimeOffset now) => DayStart(now).AddDays(1);

    /// <summary>Dollars as whole micro-dollars, rounded as the stores round a result's cost.</summary>
    public static long Micros(double usd) => checked((long)Math.Round(usd * 1_000_000d, MidpointRounding.AwayFromZero));

    /// <summary>
    /// Why <paramref name="task"/> may not be assigned now under <paramref name="budget"/> (null: it may; a venture
    /// without a budget never holds).
    /// </summary>
    public static string? Hold(BatonTask task, VentureBudget? budget)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (budget is null) return null;
        var limit = Micros(budget.DailyBudgetUsd);
        var cost = task.MaxCostUsd is { } c && c > 0 ? Micros(c) : 0;
        var spent = budget.SpentTodayMicros;
        if (spent + cost <= limit && (cost > 0 || spent < limit)) return null;
        var head = $"venture {task.Venture}'s daily budget of {Dollars(limit)}";
        if (cost > limit)
            return $"{head}: this task may cost up to {Dollars(cost)}, more than the whole budget; assignable once the budget is raised";
        var why = cost > 0 ? $"this task may cost up to {Dollars(cost)}" : "and this task sets no max_cost_usd";
        return $"{head}: {Dollars(spent)} spent today, {why}; assignable again at 00:00 UTC";
    }

    /// <summary>
    /// Judges every queued task of <paramref name="queue"/> (in its order) against its venture's budget: held ones are
    /// left out of <see cref="BudgetPass.Assignable"/>; a task whose held reason differs from the stored one is in
    /// <see cref="BudgetPass.HoldChanged"/> with the new reason (null: released).
    /// </summary>
    public static BudgetPass Apply(IReadOnlyList<BatonTask> queue, IReadOnlyDictionary<string, VentureBudget> budgets)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(budgets);
        var assignable = new List<BatonTask>(queue.Count);
        var changed = new List<BatonTask>();
        var anyHeld = false;
        foreach (var task in queue)
        {
            var held = task.State == TaskState.Queued ? Hold(task, budgets.GetValueOrDefault(task.Venture)) : null;
            var judged = held == task.Held ? task : task with { Held = held };
            if (!ReferenceEquals(judged, task)) changed.Add(judged);
            if (held is null) assignable.Add(judged);
            else anyHeld = true;
        }
        return new BudgetPass(assignable, changed, anyHeld);
    }

    /// <summary>The ventures of <paramref name="queue"/>'s tasks, distinct: the ones a pass reads budgets for.</summary>
    public static IReadOnlyList<string> Ventures(IReadOnlyList<BatonTask> queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.Select(t => t.Venture).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Micro-dollars as the reason shows them: cents, with more digits only when they are not zero ($4.80, $0.1234).</summary>
    public static string Dollars(long micros)
    {
        var dollars = micros / 1_000_000m;
        return "$" + dollars.ToString(decimal.Round(dollars, 2) == dollars ? "0.00" : "0.00####", CultureInfo.InvariantCulture);
    }
}
