using System.Globalization;
using Baton.Core.Workflows;

namespace Baton.Server.Dashboard.Svg;

/// <summary>
/// The workflow transition table (<see cref="WorkflowMachine.Transitions"/>) drawn as an inline SVG by the server: no
/// diagram library in the browser, no script, no <c>style</c> attribute (the CSP refuses it) — geometry as attributes,
/// looks as classes (app.css, <c>/* work */</c>). The forward path is one row, the returns to PLANNING arcs above it,
/// and FAILED a bar below that every open state's <c>fail</c> arrow reaches. Every transition is a
/// <c>&lt;g class="transition"&gt;</c> carrying its from, trigger and to, with a <c>&lt;title&gt;</c> for a screen reader's
/// or a mouse's reading; the current state's box has class <c>current</c>, the states and transitions the workflow
/// went through class <c>taken</c>.
/// </summary>
internal static class WorkflowDiagram
{
    private const double BoxWidth = 104, BoxHeight = 44, Gap = 92, Left = 16, RowTop = 150, FailedTop = 300, FailedHeight = 40;
    private const double Width = Left * 2 + 8 * BoxWidth + 7 * Gap, Height = FailedTop + FailedHeight + 16;

    /// <summary>The states of the forward row, left to right; FAILED is drawn under the row.</summary>
    private static readonly WorkflowState[] Row =
    [
        WorkflowState.Create, WorkflowState.Planning, WorkflowState.Review, WorkflowState.InProgress,
        WorkflowState.Qa, WorkflowState.Deploy, WorkflowState.Validate, WorkflowState.Accepted,
    ];

    /// <param name="current">The state to highlight.</param>
    /// <param name="events">The workflow's history: its transitions (from → to by trigger) are marked as taken.</param>
    public static Html Render(WorkflowState current, IReadOnlyList<WorkflowEvent> events)
    {
        var taken = events.Where(e => e.From is not null)
            .Select(e => (From: e.From!.Value, e.Trigger, e.To))
            .ToHashSet();
        var visited = events.Select(e => e.To).Append(current).ToHashSet();

        var arrows = Html.Join(WorkflowMachine.Transitions.Select(t => Arrow(t, taken.Contains((t.From, WorkflowMachine.Name(t.Trigger), t.To)))));
        var boxes = Html.Join(Row.Select((s, i) => Box(s, X(i), RowTop, BoxWidth, BoxHeight, s == current, visited.Contains(s))));
        var failed = Box(WorkflowState.Failed, X(0), FailedTop, X(6) + BoxWidth - X(0), FailedHeight,
            current == WorkflowState.Failed, visited.Contains(WorkflowState.Failed));
        var label = $"Workflow state: {WorkflowMachine.Name(current)}";
        return Html.Of($"""
            <svg class="workflow-diagram" role="img" aria-label="{label}" viewBox="0 0 {N(Width)} {N(Height)}" width="{N(Width)}" height="{N(Height)}" xmlns="http://www.w3.org/2000/svg">
            <title>{label}</title>
            <defs><marker id="wf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>
            {arrows}
            {boxes}
            {failed}
            </svg>
            """);
    }

    private static double X(int index) => Left + index * (BoxWidth + Gap);

    private static int IndexOf(WorkflowState state) => Array.IndexOf(Row, state);

    private static Html Box(WorkflowState state, double x, double y, double width, double height, bool current, bool visited)
    {
        var name = WorkflowMachine.Name(state);
        var classes = "state" + (current ? " current" : "") + (visited ? " taken" : "");
        var title = current ? $"{name} (current state)" : name;
        return Html.Of($"""
            <g class="{classes}" data-state="{name}"><title>{title}</title><rect x="{N(x)}" y="{N(y)}" width="{N(width)}" height="{N(height)}" rx="6"/><text x="{N(x + width / 2)}" y="{N(y + height / 2 + 4)}" text-anchor="middle">{name}</text></g>
            """);
    }

    private static Html Arrow(WorkflowTransition t, bool taken)
    {
        var from = IndexOf(t.From);
        string path;
        double labelX, labelY;
        string anchor = "middle";
        if (t.To == WorkflowState.Failed)
        {
            // Straight down from the state to the FAILED bar, the trigger beside the line.
            var x = X(from) + BoxWidth / 2;
            path = $"M{N(x)},{N(RowTop + BoxHeight)} L{N(x)},{N(FailedTop - 2)}";
            (labelX, labelY, anchor) = (x + 5, (RowTop + BoxHeight + FailedTop) / 2 + 4, "start");
        }
        else if (IndexOf(t.To) > from)
        {
            var y = RowTop + BoxHeight / 2;
            var x1 = X(from) + BoxWidth;
            var x2 = X(IndexOf(t.To)) - 2;
            path = $"M{N(x1)},{N(y)} L{N(x2)},{N(y)}";
            (labelX, labelY) = ((x1 + x2) / 2, y - 8);
        }
        else
        {
            // A return: an arc above the row, higher the further back it goes, so the arcs and labels do not meet.
            var to = IndexOf(t.To);
            var span = from - to;
            var lift = 30 + 18 * span;
            var x1 = X(from) + BoxWidth / 2 - 10;
            var x2 = X(to) + BoxWidth / 2 + 10;
            path = $"M{N(x1)},{N(RowTop)} C{N(x1)},{N(RowTop - lift)} {N(x2)},{N(RowTop - lift)} {N(x2)},{N(RowTop - 2)}";
            (labelX, labelY) = ((x1 + x2) / 2, RowTop - lift * 0.75 - 4);
        }
        var trigger = WorkflowMachine.Name(t.Trigger);
        var fromName = WorkflowMachine.Name(t.From);
        var toName = WorkflowMachine.Name(t.To);
        var classes = "transition" + (t.To == WorkflowState.Failed ? " fail" : "") + (taken ? " taken" : "");
        return Html.Of($"""
            <g class="{classes}" data-from="{fromName}" data-trigger="{trigger}" data-to="{toName}"><title>{fromName} → {toName}: {trigger}</title><path d="{path}" fill="none" marker-end="url(#wf-arrow)"/><text x="{N(labelX)}" y="{N(labelY)}" text-anchor="{anchor}">{trigger}</text></g>
            """);
    }

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
