using Baton.Core.Workflows;

namespace Baton.Core.Tests.Workflows;

public sealed class PlanVerdictsTests
{
    [Fact]
    public void Read_TopLevelVerdict_ReadsIt()
    {
        var (verdict, problem) = PlanVerdicts.Read("""{"approved": true, "concerns": ["no rollback"], "suggestions": ["add a feature flag", "  "]}""");

        Assert.Null(problem);
        Assert.NotNull(verdict);
        Assert.True(verdict.Approved);
        Assert.Equal(["no rollback"], verdict.Concerns);
        Assert.Equal(["add a feature flag"], verdict.Suggestions);
    }

    [Fact]
    public void Read_MissingArrays_ReadAsEmpty()
    {
        var (verdict, problem) = PlanVerdicts.Read("""{"approved": false}""");

        Assert.Null(problem);
        Assert.Equal((false, 0, 0), (verdict!.Approved, verdict.Concerns.Count, verdict.Suggestions.Count));
    }

    [Fact]
    public void Read_FencedBlockInFinalMessage_ReadsTheBlock()
    {
        var result = """{"final_message": "I read the plan.\n\n```json\n{\"approved\": false, \"concerns\": [\"the migration has no down step\"]}\n```\nDone."}""";

        var (verdict, problem) = PlanVerdicts.Read(result);

        Assert.Null(problem);
        Assert.False(verdict!.Approved);
        Assert.Equal(["the migration has no down step"], verdict.Concerns);
    }

    [Fact]
    public void Read_ObjectInProseOfFinalMessage_ReadsFromFirstBraceToLast()
    {
        var result = """{"final_message": "Verdict: {\"approved\": true, \"suggestions\": [\"name the flag\"]} — that is all."}""";

        var (verdict, _) = PlanVerdicts.Read(result);

        Assert.True(verdict!.Approved);
        Assert.Equal(["name the flag"], verdict.Suggestions);
    }

    [Fact]
    public void Read_PlainTextWithAFencedVerdict_ReadsIt()
    {
        var (verdict, _) = PlanVerdicts.Read("Looks fine.\n```json\n{\"approved\": true}\n```");

        Assert.True(verdict!.Approved);
    }

    [Theory]
    [InlineData("""{"approved": "true"}""", "\"approved\" is \"true\", not true or false")]
    [InlineData("""{"approved": 1}""", "not true or false")]
    [InlineData("""{"approved": null}""", "\"approved\" is null")]
    [InlineData("""{"verdict": "approve"}""", "no \"approved\"")]
    [InlineData("""{"final_message": "Looks good to me!"}""", "no \"approved\"")]
    [InlineData("LGTM", "holds no verdict object")]
    [InlineData("""{"approved": false, "approved": true}""", "holds no verdict object")]
    [InlineData("", "no answer")]
    [InlineData(null, "no answer")]
    [InlineData("""{"approved": true, "concerns": "none"}""", "\"concerns\" is not an array of strings")]
    public void Read_NotAVerdict_IsNullWithTheProblemNamed(string? answer, string problemPart)
    {
        var (verdict, problem) = PlanVerdicts.Read(answer);

        Assert.Null(verdict);
        Assert.Contains(problemPart, problem);
    }

    [Fact]
    public void Read_NonStringEntries_AreLeftOutAndNamed()
    {
        var (verdict, problem) = PlanVerdicts.Read("""{"approved": false, "concerns": ["too big", 3, {"x": 1}], "suggestions": [null, "split it"]}""");

        Assert.Equal(["too big"], verdict!.Concerns);
        Assert.Equal(["split it"], verdict.Suggestions);
        Assert.Equal("2 of \"concerns\" are not a string (left out); 1 of \"suggestions\" is not a string (left out)", problem);
    }

    [Fact]
    public void Read_TooManyConcerns_KeepsTheFirstAndSaysSo()
    {
        var concerns = string.Join(",", Enumerable.Range(1, PlanVerdicts.MaxEntries + 5).Select(i => $"\"c{i}\""));

        var (verdict, problem) = PlanVerdicts.Read($$"""{"approved": false, "concerns": [{{concerns}}]}""");

        Assert.Equal(PlanVerdicts.MaxEntries, verdict!.Concerns.Count);
        Assert.Contains($"kept the first {PlanVerdicts.MaxEntries}", problem);
    }
}
