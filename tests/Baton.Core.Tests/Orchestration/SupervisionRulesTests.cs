using System.Text.Json.Nodes;
using Baton.Core.Orchestration.Supervision;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Ventures;

namespace Baton.Core.Tests.Orchestration;

public class SupervisionRulesTests
{
    private static readonly DateTimeOffset T0 = Some.T0;
    private static readonly FollowUpRule CodeToReview = new("code", "review");

    private static BatonTask Succeeded(string capability = "code", string payload = """{"service":"api"}""", string? result = """{"ok":true}""") =>
        SomeTasks.Task(T0, capability: capability) with
        {
            Title = "Fix the login page",
            Payload = payload,
            State = TaskState.Succeeded,
            Attempt = 1,
            Epoch = 1,
            AssignedAgent = "agent_reviewer",
            Result = result,
            Priority = 4,
        };

    private static IReadOnlyList<BatonTask> FollowUps(BatonTask task, IReadOnlyList<FollowUpRule> rules, string? branch = "baton/task-1", string? pr = "https://github.com/o/r/pull/3")
    {
        var n = 0;
        return SupervisionRules.FollowUps(task, rules, branch, pr, T0.AddMinutes(1), () => $"task_{++n}", "key_worker");
    }

    [Fact]
    public void FollowUps_CodeSucceededWithTemplates_RendersTitlePromptAndPayload()
    {
        var code = Succeeded();
        var rule = new FollowUpRule("code", "review", "Review: {title}", "Check {task_id} on {branch}, PR {pr_url}. {unknown} stays.", 8);

        var review = Assert.Single(FollowUps(code, [rule]));

        Assert.Equal(("task_1", code.Venture, code.Repo, "review", 8), (review.Id, review.Venture, review.Repo, review.Capability, review.Priority));
        Assert.Equal("Review: Fix the login page", review.Title);
        Assert.Equal($"Check {code.Id} on baton/task-1, PR https://github.com/o/r/pull/3. {{unknown}} stays.", review.Prompt);
        Assert.Equal($"follow-up:{code.Id}", review.CreatedBy);
        Assert.Equal("key_worker", review.ActorKeyId);
        Assert.Empty(review.DependsOn);
        Assert.Equal($$"""{"branch":"baton/task-1","follow_up_chain":["code->review"],"pr_url":"https://github.com/o/r/pull/3","reviews":"{{code.Id}}"}""", review.Payload);
    }

    [Fact]
    public void FollowUps_NoTemplatesNoPr_UsesTheDefaultsWithNoneForTheMissingValue()
    {
        var code = Succeeded();

        var review = Assert.Single(FollowUps(code, [CodeToReview], pr: null));

        Assert.Equal("Review: Fix the login page", review.Title);
        Assert.Contains($"task {code.Id} (\"Fix the login page\"): branch baton/task-1, pull request (none).", review.Prompt, StringComparison.Ordinal);
        Assert.Contains("\"verdict\": \"approve\" | \"request_changes\" | \"reject\"", review.Prompt, StringComparison.Ordinal);
        Assert.Equal(code.Priority, review.Priority);
        Assert.Null(JsonNode.Parse(review.Payload)!["pr_url"]);
    }

    [Fact]
    public void FollowUps_AnotherCapability_CreatesNothing() =>
        Assert.Empty(FollowUps(Succeeded(capability: "deploy"), [CodeToReview]));

    [Fact]
    public void FollowUps_TaskMadeByTheSameRule_DoesNotFireItAgain()
    {
        var selfRule = new FollowUpRule("review", "review");
        var first = Assert.Single(FollowUps(Succeeded(capability: "review"), [selfRule]));

        Assert.Empty(FollowUps(Succeeded(capability: "review", payload: first.Payload), [selfRule]));
    }

    [Fact]
    public void FollowUps_TwoRulesInACycle_EachFiresOncePerChain()
    {
        IReadOnlyList<FollowUpRule> rules = [CodeToReview, new FollowUpRule("review", "code")];

        var review = Assert.Single(FollowUps(Succeeded(), rules));
        var fix = Assert.Single(FollowUps(Succeeded(capability: "review", payload: review.Payload), rules));

        Assert.Equal(["code->review", "review->code"], SupervisionRules.Chain(fix.Payload));
        // The fix is a code task, but code->review already made one of its ancestors: the chain ends.
        Assert.Empty(FollowUps(Succeeded(capability: "code", payload: fix.Payload), rules));
    }

    [Fact]
    public void FollowUps_LongTitle_IsClippedToTheTitleLimit()
    {
        var code = Succeeded() with { Title = new string('x', 200) };

        Assert.Equal(200, Assert.Single(FollowUps(code, [CodeToReview])).Title.Length);
    }

    [Fact]
    public void ReadReport_FullResult_ReadsVerdictConcernsAndSummary()
    {
        var report = SupervisionRules.ReadReport("""{"verdict":"request_changes","concerns":["no test"," too slow "],"summary":"Close."}""");

        Assert.Equal(ReviewVerdict.RequestChanges, report.Verdict);
        Assert.Equal(["no test", "too slow"], report.Concerns);
        Assert.Equal(("Close.", (string?)null), (report.Summary, report.Problem));
    }

    [Theory]
    [InlineData("""{"ok":true}""", "the result has no \"verdict\" (approve, request_changes or reject)")]
    [InlineData("""{"verdict":"lgtm"}""", "verdict \"lgtm\" is not approve, request_changes or reject")]
    [InlineData("""{"verdict":3}""", "verdict 3 is not approve, request_changes or reject")]
    [InlineData("""[1]""", "the result is not an object with a verdict")]
    [InlineData("""{"verdict":"approve","verdict":"reject"}""", "the result is not an object with a verdict")]
    [InlineData("""{"final_message":"```json\n{\"verdict\":\"approve\",\"verdict\":\"reject\"}\n```"}""", "the result has no \"verdict\" (approve, request_changes or reject)")]
    public void ReadReport_NoValidVerdict_IsNoneWithTheProblemNamed(string result, string problem)
    {
        var report = SupervisionRules.ReadReport(result);

        Assert.Equal((ReviewVerdict.None, problem), (report.Verdict, report.Problem));
    }

    [Fact]
    public void ReadReport_ConcernsNotAllStrings_KeepsTheStringsAndNamesTheRest()
    {
        var report = SupervisionRules.ReadReport("""{"verdict":"Approve","concerns":["ok",{"x":1},2],"summary":5}""");

        Assert.Equal(ReviewVerdict.Approve, report.Verdict);
        Assert.Equal(["ok"], report.Concerns);
        Assert.Equal("2 concerns are not a string; \"summary\" is not a string", report.Problem);
    }

    [Fact]
    public void ReadReport_VerdictInTheFinalMessage_IsReadFromTheFencedBlock()
    {
        var result = new JsonObject { ["final_message"] = "Done.\n```json\n{\"verdict\": \"reject\", \"concerns\": [\"drops data\"]}\n```" }.ToJsonString();

        var report = SupervisionRules.ReadReport(result);

        Assert.Equal((ReviewVerdict.Reject, (string?)null), (report.Verdict, report.Problem));
        Assert.Equal(["drops data"], report.Concerns);
    }

    [Fact]
    public void Succeeded_ReviewOfATaskOfTheVenture_ReportsWithTheReviewAgentAndNotesTheReviewedTask()
    {
        var code = Succeeded();
        var review = Succeeded(capability: "review", payload: $$"""{"reviews":"{{code.Id}}"}""", result: """{"verdict":"approve","concerns":[]}""");

        var change = SupervisionRules.Succeeded(review, [], code, T0.AddMinutes(2), "key_worker");

        Assert.Equal(new TaskReview(code.Id, review.Id, "agent_reviewer", ReviewVerdict.Approve, change.Review!.Concerns, null, null, T0.AddMinutes(2)), change.Review);
        Assert.Empty(change.Review.Concerns);
        var note = Assert.Single(change.Events);
        Assert.Equal((code.Id, TaskState.Succeeded, TaskState.Succeeded, $"reviewed by {review.Id}: approve, 0 concerns"), (note.TaskId, note.From, note.To, note.Reason));
    }

    [Fact]
    public void Succeeded_ReviewedTaskOfAnotherVenture_StoresNoReport()
    {
        var other = Succeeded() with { Venture = "beta" };
        var review = Succeeded(capability: "review", payload: $$"""{"reviews":"{{other.Id}}"}""", result: """{"verdict":"approve"}""");

        var change = SupervisionRules.Succeeded(review, [], other, T0, "key_worker");

        Assert.Null(change.Review);
        Assert.Equal(review.Id, Assert.Single(change.Events).TaskId);
    }

    [Fact]
    public void Succeeded_WithFollowUps_CreatesEachQueuedAndNotesItOnTheCompletedTask()
    {
        var code = Succeeded();
        var drafts = FollowUps(code, [CodeToReview]);

        var change = SupervisionRules.Succeeded(code, drafts, null, T0.AddMinutes(1), "key_worker");

        var created = Assert.Single(change.Created);
        Assert.Equal((TaskState.Queued, "created by follow-up rule code->review after " + code.Id + " succeeded"), (created.After.State, created.Event!.Reason));
        Assert.Equal($"follow-up task_1 (review) created by rule code->review", Assert.Single(change.Events).Reason);
        Assert.Null(change.Review);
    }

    [Fact]
    public void Succeeded_TaskNotSucceeded_ChangesNothing() =>
        Assert.Same(SupervisionChange.None, SupervisionRules.Succeeded(Succeeded() with { State = TaskState.Failed }, FollowUps(Succeeded(), [CodeToReview]), null, T0, "k"));

    [Theory]
    [InlineData("Review {title} of {branh}", "names {branh}")]
    [InlineData("   ", "is empty")]
    public void FollowUpTemplates_BadTitle_IsAProblemOfThatRule(string title, string problem)
    {
        var problems = FollowUpTemplates.Problems([CodeToReview, new FollowUpRule("code", "test", title)]);

        var (index, text) = Assert.Single(problems);
        Assert.Equal(1, index);
        Assert.Contains(problem, text, StringComparison.Ordinal);
    }

    [Fact]
    public void FollowUpTemplates_SameRuleTwiceAndBadPriority_AreProblems()
    {
        var problems = FollowUpTemplates.Problems([CodeToReview, new FollowUpRule("code", "review", Priority: 11), new FollowUpRule("", "review")]);

        Assert.Equal([1, 1, 2], problems.Select(p => p.Index));
    }
}
