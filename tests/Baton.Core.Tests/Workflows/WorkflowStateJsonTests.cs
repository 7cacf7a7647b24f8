using System.Text.Json;
using Baton.Core.Common;
using Baton.Core.Workflows;

namespace Baton.Core.Tests.Workflows;

/// <summary>Workflow states on the wire are the diagram's names (IN_PROGRESS), not the snake_case other enums get.</summary>
public sealed class WorkflowStateJsonTests
{
    [Fact]
    public void Serialize_States_AreWrittenAsWorkflowMachineNames()
    {
        var json = JsonSerializer.Serialize(new { state = WorkflowState.InProgress, from = (WorkflowState?)WorkflowState.Qa, gates = new[] { WorkflowState.Review } }, BatonJson.Options);

        Assert.Equal("""{"state":"IN_PROGRESS","from":"QA","gates":["REVIEW"]}""", json);
    }

    [Theory]
    [InlineData("\"IN_PROGRESS\"", WorkflowState.InProgress)]
    [InlineData("\"in_progress\"", WorkflowState.InProgress)]
    [InlineData("\"Validate\"", WorkflowState.Validate)]
    public void Deserialize_NameInAnyCase_ReadsTheState(string json, WorkflowState expected) =>
        Assert.Equal(expected, JsonSerializer.Deserialize<WorkflowState>(json, BatonJson.Requests));

    [Theory]
    [InlineData("\"DONE\"")]
    [InlineData("3")]
    public void Deserialize_NotAState_IsAJsonErrorNamingTheStates(string json)
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<WorkflowState>(json, BatonJson.Requests));

        Assert.Contains("IN_PROGRESS", error.Message);
    }
}
