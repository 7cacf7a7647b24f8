using System.Globalization;
using Baton.Core.Changes;
using Baton.Core.Common;
using Baton.Core.Spend;
using Baton.Core.Ventures;
using Baton.Server.Dashboard.Svg;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Baton.Server.Dashboard.Pages;

/// <summary>
/// Spend (issue 18, docs/architecture.md §15 Spend): cost and tokens per venture and UTC day — a bar chart drawn by
/// the server against the venture's daily budget, and the same numbers in a table — and per agent, as
/// <c>baton spend</c> sums them (one <see cref="ISpendService"/> call per panel; a scoped key sees only its venture).
/// Filters: <c>venture</c> and <c>period</c> (<c>24h</c>, <c>7d</c> — the default —, <c>30d</c>).
/// </summary>
internal static class SpendPage
{
    public static readonly IReadOnlyList<string> Periods = ["24h", "7d", "30d"];

    public const string DefaultPeriod = "7d";

    public static readonly Panel Chart = new("spend-chart", "Cost per venture and day", [ChangeKinds.Task, ChangeKinds.HookEvent], RenderChartAsync);

    public static readonly Panel ByAgent = new("spend-agents", "Spend per agent", [ChangeKinds.Task, ChangeKinds.HookEvent], RenderAgentsAsync);

    public static readonly IReadOnlyList<Panel> Panels = [Chart, ByAgent];

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/spend", async (HttpContext http, CancellationToken ct) =>
        {
            var context = DashboardContext.For(http);
            var sections = new List<Html> { await FiltersAsync(context, ct) };
            foreach (var panel in Panels) sections.Add(await panel.RenderSectionAsync(context, ct));
            return new HtmlResult(DashboardLayout.Page(context, "Spend", "/spend", Html.Join(sections)));
        }).DashboardPage();

    /// <summary>The period asked for, one of <see cref="Periods"/> (anything else reads as the default).</summary>
    public static string Period(DashboardContext context) =>
        context.Query("period") is { } p && Periods.Contains(p, StringComparer.Ordinal) ? p : DefaultPeriod;

    private static string? Venture(DashboardContext context) => context.Caller.VentureScope ?? context.Query("venture");

    private static async Task<Html> FiltersAsync(DashboardContext context, CancellationToken ct)
    {
        var selected = Venture(context);
        var ventures = context.Caller.VentureScope is { } scope
            ? [scope]
            : (await context.Services.Ventures.ListVenturesAsync(ct)).Select(v => v.Code).Order(StringComparer.Ordinal).ToList();
        var ventureOptions = Html.Join(ventures.Select(code => code == selected
            ? Html.Of($"""<option value="{code}" selected>{code}</option>""")
            : Html.Of($"""<option value="{code}">{code}</option>""")));
        var all = context.Caller.VentureScope is null
            ? (selected is null ? Html.Of($"""<option value="" selected>all ventures</option>""") : Html.Of($"""<option value="">all ventures</option>"""))
            : Html.Empty;
        var period = Period(context);
        var periodOptions = Html.Join(Periods.Select(p => p == period
            ? Html.Of($"""<option value="{p}" selected>last {p}</option>""")
            : Html.Of($"""<option value="{p}">last {p}</option>""")));
        return Html.Of($"""
            <form class="filters" method="get" action="/spend">
            <label for="spend-venture">Venture</label>
            <select id="spend-venture" name="venture">{all}{ventureOptions}</select>
            <label for="spend-period">Period</label>
            <select id="spend-period" name="period">{periodOptions}</select>
            <button type="submit">Show</button>
            </form>
            """);
    }

    private static async Task<Html> RenderChartAsync(DashboardContext context, CancellationToken ct)
    {
        var period = Period(context);
        var report = await context.Services.Spend.GetSpendAsync(new SpendRequest(Venture(context), period, "venture_day", SpendRules.MaxLimit), ct);
        var ventures = (await context.Services.Ventures.ListVenturesAsync(ct)).ToDictionary(v => v.Code, StringComparer.Ordinal);
        var codes = report.Groups.Select(g => g.Key!).Append(report.Venture).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (codes.Count == 0) return Html.Of($"""<p class="empty">No spend reported in the last {period}.</p>""");

        var days = Days(report.Since ?? report.Until, report.Until);
        var figures = codes.Select(code =>
        {
            var budget = ventures.TryGetValue(code, out var venture) ? venture.DailyBudgetUsd : null;
            var byDay = report.Groups.Where(g => g.Key == code).ToDictionary(g => g.Label!, g => g.Totals, StringComparer.Ordinal);
            var bars = days.Select(day => byDay.TryGetValue(day, out var t)
                ? new Bar(day, (double)t.CostUsd, $"{DashboardText.Dollars(t.CostUsd)}, {DashboardText.Number(t.Tokens)} tokens")
                : new Bar(day, 0, "$0.00, no reports")).ToList();
            var chart = BarChart.Render(bars, $"Cost per UTC day of {code}, last {period}" + (budget is { } b ? $", daily budget {DashboardText.Dollars((decimal)b)}" : ", no daily budget"),
                budget, budget is { } limit ? $"budget {DashboardText.Dollars((decimal)limit)}" : null, v => DashboardText.Dollars((decimal)v));
            var rows = days.AsEnumerable().Reverse().Where(byDay.ContainsKey).Select(day =>
            {
                var t = byDay[day];
                var over = budget is { } limit && t.CostUsd > (decimal)limit;
                return Html.Of($"""
                    <tr data-id="{code}/{day}"{(over ? Html.Trusted(" class=\"over-budget\"") : Html.Empty)}>
                    <th scope="row"><time datetime="{day}">{day}</time></th>
                    <td class="num">{DashboardText.Dollars(t.CostUsd)}{(over ? Html.Of($""" <span class="status status-over">over budget</span>""") : Html.Empty)}</td>
                    <td class="num">{DashboardText.Number(t.Tokens)}</td>
                    <td class="num">{DashboardText.Number(t.InputTokens)}</td>
                    <td class="num">{DashboardText.Number(t.OutputTokens)}</td>
                    <td class="num">{DashboardText.Number(t.Reports)}</td>
                    <td class="num">{DashboardText.Number(t.ReportsWithCost)}</td>
                    </tr>
                    """);
            }).ToList();
            var table = rows.Count == 0
                ? Html.Of($"""<p class="empty">No spend reported for {code} in the last {period}.</p>""")
                : Html.Of($"""
                    <table class="spend-days">
                    <thead><tr><th scope="col">Day (UTC)</th><th scope="col">Cost</th><th scope="col">Tokens</th><th scope="col">Input</th><th scope="col">Output</th><th scope="col">Reports</th><th scope="col">With cost</th></tr></thead>
                    <tbody>{Html.Join(rows)}</tbody>
                    </table>
                    """);
            var budgetText = budget is { } daily ? Html.Of($"""daily budget <span class="budget">{DashboardText.Dollars((decimal)daily)}</span>""") : Html.Of($"""no daily budget""");
            return Html.Of($"""
                <figure class="spend-venture" data-venture="{code}">
                <figcaption><span class="venture">{code}</span>{(ventures.TryGetValue(code, out var named) && named.Name != code ? Html.Of($""" <span class="venture-name">{named.Name}</span>""") : Html.Empty)} · {budgetText}</figcaption>
                <div class="chart-and-table">{chart}{table}</div>
                </figure>
                """);
        });
        var cut = report.GroupCount > report.Groups.Count
            ? Html.Of($"""<p class="count">{Count.Slice(report.Groups.Count, report.GroupCount)} venture-days: the oldest are left out.</p>""")
            : Html.Empty;
        return Html.Of($"""
            {Totals(report, period)}
            {cut}
            {Html.Join(figures)}
            """);
    }

    private static async Task<Html> RenderAgentsAsync(DashboardContext context, CancellationToken ct)
    {
        var period = Period(context);
        var report = await context.Services.Spend.GetSpendAsync(new SpendRequest(Venture(context), period, "agent", SpendRules.DefaultLimit), ct);
        if (report.Groups.Count == 0) return Html.Of($"""<p class="empty">No spend reported in the last {period}.</p>""");
        var rows = report.Groups.Select(g => Html.Of($"""
            <tr data-id="{g.Key ?? ""}">
            <th scope="row"><span class="agent-name">{g.Label ?? g.Key ?? "(unknown)"}</span></th>
            <td class="num">{DashboardText.Number(g.Totals.Tokens)}</td>
            <td class="num">{DashboardText.Dollars(g.Totals.CostUsd)}</td>
            <td class="num">{DashboardText.Number(g.Totals.Reports)}</td>
            <td class="num">{DashboardText.Number(g.Totals.ReportsWithCost)}</td>
            </tr>
            """));
        return Html.Of($"""
            {DashboardText.CountLine(Count.Slice(report.Groups.Count, report.GroupCount), "agent", "agents")}
            <table class="spend-agents">
            <thead><tr><th scope="col">Agent</th><th scope="col">Tokens</th><th scope="col">Cost</th><th scope="col">Reports</th><th scope="col">Reports with cost</th></tr></thead>
            <tbody>{Html.Join(rows)}</tbody>
            </table>
            """);
    }

    /// <summary>The period's totals as <c>baton spend</c> says them: reports, how many carried a cost, tokens, cost.</summary>
    private static Html Totals(SpendReport report, string period)
    {
        var t = report.Totals;
        var scope = report.Venture is { } v ? $"{v}, " : "every venture, ";
        return Html.Of($"""
            <p class="totals" data-reports="{t.Reports}" data-reports-with-cost="{t.ReportsWithCost}">{scope}last {period}: <span class="cost">{DashboardText.Dollars(t.CostUsd)}</span> · {DashboardText.Number(t.Tokens)} tokens ({DashboardText.Number(t.InputTokens)} in, {DashboardText.Number(t.OutputTokens)} out) · {DashboardText.Number(t.Reports)} {(t.Reports == 1 ? "report" : "reports")}, {DashboardText.Number(t.ReportsWithCost)} with cost</p>
            """);
    }

    /// <summary>Every UTC day from <paramref name="since"/>'s to <paramref name="until"/>'s, oldest first (<c>2026-12-01</c>): one bar each.</summary>
    internal static IReadOnlyList<string> Days(DateTimeOffset since, DateTimeOffset until)
    {
        var days = new List<string>();
        for (var day = since.UtcDateTime.Date; day <= until.UtcDateTime.Date; day = day.AddDays(1))
            days.Add(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return days;
    }
}
