using System.Text.RegularExpressions;
using Baton.Core.Workflows;
using Baton.Server.Dashboard.Svg;

namespace Baton.Server.Tests.Dashboard;

/// <summary>The server-drawn workflow diagram: the whole transition table, the current state, the path taken, CSP-clean.</summary>
public sealed class WorkflowDiagramTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_AnyState_DrawsEveryTransitionOfTheTableWithItsTrigger()
    {
        var svg = WorkflowDiagram.Render(WorkflowState.Create, []).ToString();

        foreach (var t in WorkflowMachine.Transitions)
        {
            var from = WorkflowMachine.Name(t.From);
            var trigger = WorkflowMachine.Name(t.Trigger);
            var to = WorkflowMachine.Name(t.To);
            Assert.Contains($"data-from=\"{from}\" data-trigger=\"{trigger}\" data-to=\"{to}\"", svg);
            Assert.Contains($"<title>{from} → {to}: {trigger}</title>", svg);
        }
        Assert.Equal(WorkflowMachine.Transitions.Count, svg.Split("class=\"transition").Length - 1);
        foreach (var state in Enum.GetValues<WorkflowState>())
            Assert.Contains($"data-state=\"{WorkflowMachine.Name(state)}\"", svg);
    }

    [Fact]
    public void Render_CurrentState_IsTheOnlyBoxMarkedCurrent_AndTheLabelNamesIt()
    {
        var svg = WorkflowDiagram.Render(WorkflowState.Qa, []).ToString();

        Assert.Contains("role=\"img\" aria-label=\"Workflow state: QA\"", svg);
        Assert.Contains("<g class=\"state current taken\" data-state=\"QA\">", svg);
        Assert.Single(Regex.Matches(svg, "class=\"[^\"]*\\bcurrent\\b"));
    }

    [Fact]
    public void Render_EventsOfTheHistory_MarkTheTransitionsAndStatesTaken()
    {
        WorkflowEvent Event(int seq, WorkflowState? from, WorkflowState to, string trigger) => new("wf_1", seq, At, from, to, trigger, "workflow", "", null, null);
        var events = new[]
        {
            Event(1, null, WorkflowState.Create, "created"),
            Event(2, WorkflowState.Create, WorkflowState.Planning, "start"),
            Event(3, WorkflowState.Planning, WorkflowState.Review, "planned"),
            Event(4, WorkflowState.Review, WorkflowState.Planning, "plan_rejected"),
        };

        var svg = WorkflowDiagram.Render(WorkflowState.Planning, events).ToString();

        Assert.Contains("class=\"transition taken\" data-from=\"CREATE\" data-trigger=\"start\"", svg);
        Assert.Contains("class=\"transition taken\" data-from=\"REVIEW\" data-trigger=\"plan_rejected\"", svg);
        Assert.Contains("class=\"transition\" data-from=\"REVIEW\" data-trigger=\"approved\"", svg);
        Assert.Contains("<g class=\"state taken\" data-state=\"REVIEW\">", svg);
        Assert.Contains("<g class=\"state\" data-state=\"QA\">", svg);
    }

    [Fact]
    public void Render_Markup_HasNoStyleAttributeNoScriptAndNoHandler()
    {
        var svg = WorkflowDiagram.Render(WorkflowState.Failed, []).ToString();

        Assert.DoesNotContain("style=", svg);
        Assert.DoesNotContain("<script", svg);
        Assert.DoesNotMatch("\\son[a-z]+\\s*=", svg);
        Assert.StartsWith("<svg ", svg);
        Assert.Contains("<g class=\"state current taken\" data-state=\"FAILED\">", svg);
    }
}
