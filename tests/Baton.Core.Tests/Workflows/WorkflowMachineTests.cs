using Baton.Core.Workflows;

namespace Baton.Core.Tests.Workflows;

public sealed class WorkflowMachineTests
{
    public static TheoryData<WorkflowState, WorkflowTrigger, WorkflowState> Rows => new()
    {
        { WorkflowState.Create, WorkflowTrigger.Start, WorkflowState.Planning },
        { WorkflowState.Planning, WorkflowTrigger.Planned, WorkflowState.Review },
        { WorkflowState.Review, WorkflowTrigger.Approved, WorkflowState.InProgress },
        { WorkflowState.Review, WorkflowTrigger.PlanRejected, WorkflowState.Planning },
        { WorkflowState.InProgress, WorkflowTrigger.Built, WorkflowState.Qa },
        { WorkflowState.Qa, WorkflowTrigger.TestsPassed, WorkflowState.Deploy },
        { WorkflowState.Qa, WorkflowTrigger.TestsFailed, WorkflowState.Planning },
        { WorkflowState.Deploy, WorkflowTrigger.Deployed, WorkflowState.Validate },
        { WorkflowState.Validate, WorkflowTrigger.Validated, WorkflowState.Accepted },
        { WorkflowState.Validate, WorkflowTrigger.ValidationFailed, WorkflowState.Planning },
        { WorkflowState.Create, WorkflowTrigger.Fail, WorkflowState.Failed },
        { WorkflowState.Planning, WorkflowTrigger.Fail, WorkflowState.Failed },
        { WorkflowState.Review, WorkflowTrigger.Fail, WorkflowState.Failed },
        { WorkflowState.InProgress, WorkflowTrigger.Fail, WorkflowState.Failed },
        { WorkflowState.Qa, WorkflowTrigger.Fail, WorkflowState.Failed },
        { WorkflowState.Deploy, WorkflowTrigger.Fail, WorkflowState.Failed },
        { WorkflowState.Validate, WorkflowTrigger.Fail, WorkflowState.Failed },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Next_EveryRowOfTheTable_LeadsWhereTheIssueSays(WorkflowState from, WorkflowTrigger trigger, WorkflowState to)
    {
        Assert.Equal(to, WorkflowMachine.Next(from, trigger));
    }

    [Fact]
    public void Transitions_AreExactlyTheRowsAbove()
    {
        var expected = Rows.Select(r => new WorkflowTransition((WorkflowState)r[0], (WorkflowTrigger)r[1], (WorkflowState)r[2])).ToHashSet();

        Assert.Equal(expected.Count, WorkflowMachine.Transitions.Count);
        Assert.True(expected.SetEquals(WorkflowMachine.Transitions));
    }

    [Fact]
    public void Next_EveryPairNotInTheTable_IsNull()
    {
        var rows = WorkflowMachine.Transitions.Select(t => (t.From, t.Trigger)).ToHashSet();
        foreach (var from in Enum.GetValues<WorkflowState>())
        {
            foreach (var trigger in Enum.GetValues<WorkflowTrigger>())
            {
                if (!rows.Contains((from, trigger))) Assert.Null(WorkflowMachine.Next(from, trigger));
            }
        }
    }

    [Theory]
    [InlineData(WorkflowState.Accepted)]
    [InlineData(WorkflowState.Failed)]
    public void Next_FinishedState_HasNoWayOut(WorkflowState finished)
    {
        Assert.All(Enum.GetValues<WorkflowTrigger>(), t => Assert.Null(WorkflowMachine.Next(finished, t)));
        Assert.DoesNotContain(finished, WorkflowMachine.Open);
    }

    [Theory]
    [InlineData(WorkflowState.Review, WorkflowTrigger.PlanRejected, true)]
    [InlineData(WorkflowState.Qa, WorkflowTrigger.TestsFailed, true)]
    [InlineData(WorkflowState.Validate, WorkflowTrigger.ValidationFailed, true)]
    [InlineData(WorkflowState.Create, WorkflowTrigger.Start, false)]
    [InlineData(WorkflowState.Review, WorkflowTrigger.Approved, false)]
    [InlineData(WorkflowState.Qa, WorkflowTrigger.Fail, false)]
    [InlineData(WorkflowState.Planning, WorkflowTrigger.PlanRejected, false)]
    public void IsBounce_OnlyTheReturnsToPlanningFromAGate(WorkflowState from, WorkflowTrigger trigger, bool bounce)
    {
        Assert.Equal(bounce, WorkflowMachine.IsBounce(from, trigger));
    }

    [Fact]
    public void AdvanceOfAndRejectOf_EveryGate_AreItsForwardAndBackwardRows()
    {
        foreach (var gate in WorkflowMachine.Gates)
        {
            var advance = WorkflowMachine.AdvanceOf(gate);
            var reject = WorkflowMachine.RejectOf(gate);
            Assert.NotNull(advance);
            Assert.NotNull(reject);
            Assert.NotEqual(WorkflowState.Planning, WorkflowMachine.Next(gate, advance.Value));
            Assert.NotEqual(WorkflowState.Failed, WorkflowMachine.Next(gate, advance.Value));
            Assert.Equal(WorkflowState.Planning, WorkflowMachine.Next(gate, reject.Value));
            Assert.True(WorkflowMachine.IsBounce(gate, reject.Value));
        }
        Assert.Equal(
            [(WorkflowTrigger.Approved, WorkflowTrigger.PlanRejected), (WorkflowTrigger.TestsPassed, WorkflowTrigger.TestsFailed), (WorkflowTrigger.Validated, WorkflowTrigger.ValidationFailed)],
            WorkflowMachine.Gates.Select(g => (WorkflowMachine.AdvanceOf(g)!.Value, WorkflowMachine.RejectOf(g)!.Value)));
    }

    [Theory]
    [InlineData(WorkflowState.Create)]
    [InlineData(WorkflowState.Planning)]
    [InlineData(WorkflowState.InProgress)]
    [InlineData(WorkflowState.Deploy)]
    [InlineData(WorkflowState.Accepted)]
    [InlineData(WorkflowState.Failed)]
    public void AdvanceOfAndRejectOf_NotAGate_AreNull(WorkflowState state)
    {
        Assert.Null(WorkflowMachine.AdvanceOf(state));
        Assert.Null(WorkflowMachine.RejectOf(state));
        Assert.DoesNotContain(state, WorkflowMachine.Gates);
    }

    [Theory]
    [InlineData(WorkflowState.Create, "CREATE", "status:create")]
    [InlineData(WorkflowState.Planning, "PLANNING", "status:planning")]
    [InlineData(WorkflowState.Review, "REVIEW", "status:review")]
    [InlineData(WorkflowState.InProgress, "IN_PROGRESS", "status:in-progress")]
    [InlineData(WorkflowState.Qa, "QA", "status:qa")]
    [InlineData(WorkflowState.Deploy, "DEPLOY", "status:deploy")]
    [InlineData(WorkflowState.Validate, "VALIDATE", "status:validate")]
    [InlineData(WorkflowState.Accepted, "ACCEPTED", "status:accepted")]
    [InlineData(WorkflowState.Failed, "FAILED", "status:failed")]
    public void NameAndLabel_EveryState(WorkflowState state, string name, string label)
    {
        Assert.Equal(name, WorkflowMachine.Name(state));
        Assert.Equal(label, WorkflowMachine.Label(state));
    }

    [Theory]
    [InlineData(WorkflowTrigger.Start, "start")]
    [InlineData(WorkflowTrigger.Planned, "planned")]
    [InlineData(WorkflowTrigger.Approved, "approved")]
    [InlineData(WorkflowTrigger.PlanRejected, "plan_rejected")]
    [InlineData(WorkflowTrigger.Built, "built")]
    [InlineData(WorkflowTrigger.TestsPassed, "tests_passed")]
    [InlineData(WorkflowTrigger.TestsFailed, "tests_failed")]
    [InlineData(WorkflowTrigger.Deployed, "deployed")]
    [InlineData(WorkflowTrigger.Validated, "validated")]
    [InlineData(WorkflowTrigger.ValidationFailed, "validation_failed")]
    [InlineData(WorkflowTrigger.Fail, "fail")]
    public void Name_EveryTrigger_IsSnakeCase(WorkflowTrigger trigger, string name)
    {
        Assert.Equal(name, WorkflowMachine.Name(trigger));
    }

    [Fact]
    public void Mermaid_DrawsEveryTransitionButTheFailRowsAsArrows()
    {
        var mermaid = WorkflowMachine.Mermaid();

        Assert.StartsWith("stateDiagram-v2\n    [*] --> CREATE\n", mermaid);
        foreach (var t in WorkflowMachine.Transitions)
        {
            var arrow = $"    {WorkflowMachine.Name(t.From)} --> {WorkflowMachine.Name(t.To)} : {WorkflowMachine.Name(t.Trigger)}\n";
            if (t.Trigger == WorkflowTrigger.Fail) Assert.DoesNotContain(arrow, mermaid);
            else Assert.Contains(arrow, mermaid);
        }
        Assert.Contains("ACCEPTED --> [*]", mermaid);
        Assert.Contains("FAILED --> [*]", mermaid);
        Assert.Contains("note right of FAILED", mermaid);
    }
}
