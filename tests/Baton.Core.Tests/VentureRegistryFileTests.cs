using System.Text;
using Baton.Core.Ventures;
using Baton.Local.Settings;

namespace Baton.Core.Tests;

public class VentureRegistryFileTests
{
    private static IReadOnlyList<Venture> Parse(string json) => VentureRegistryFile.Parse("ventures.json", Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_DesignExample_ReadsEveryField()
    {
        var ventures = Parse("""
        {
          "ventures": [
            { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["alpha-console"],
              "capabilities": ["has_api", "has_database"], "secrets_path": "/alpha", "platform": false,
              "note_tags": ["executive-summary"] }
          ]
        }
        """);

        var alpha = Assert.Single(ventures);
        Assert.Equal("alpha", alpha.Code);
        Assert.Equal("Project Alpha", alpha.Name);
        Assert.Equal(["alpha-console"], alpha.Repos);
        Assert.Equal(["has_api", "has_database"], alpha.Capabilities);
        Assert.Equal("/alpha", alpha.SecretsPath);
        Assert.Equal(["executive-summary"], alpha.NoteTags);
        Assert.Equal("example-org/alpha-console", alpha.PrimaryRepo);
    }

    [Fact]
    public void Parse_DailyBudget_IsReadAndABadOneIsReportedWithItsLine()
    {
        var alpha = Assert.Single(Parse("""{"ventures":[{"code":"alpha","name":"A","org":"o","daily_budget_usd":12.5}]}"""));
        var e = Assert.Throws<VentureFileException>(() => Parse("{\"ventures\": [\n  {\"code\": \"alpha\", \"name\": \"A\", \"org\": \"o\",\n   \"daily_budget_usd\": 0}\n]}"));
        var text = Assert.Throws<VentureFileException>(() => Parse("""{"ventures":[{"code":"alpha","name":"A","org":"o","daily_budget_usd":"5"}]}"""));

        Assert.Equal(12.5, alpha.DailyBudgetUsd);
        Assert.Contains("ventures.json:3: ventures[0]: \"daily_budget_usd\" must be a number of dollars more than 0", e.Message);
        Assert.Contains("\"daily_budget_usd\" must be a number of dollars.", text.Message);
    }

    [Fact]
    public void Parse_SyntaxError_NamesFileAndLine()
    {
        var e = Assert.Throws<VentureFileException>(() => Parse("{\n  \"ventures\": [\n    { \"code\": \"alpha\" \n  ]\n}"));

        Assert.StartsWith("ventures.json:4: not valid JSON", e.Message);
    }

    [Fact]
    public void Parse_SeveralBadEntries_ReportsEveryProblemWithItsLine()
    {
        var e = Assert.Throws<VentureFileException>(() => Parse("""
        {
          "ventures": [
            { "code": "alpha", "name": "A", "org": "o" },
            { "code": "Bad Code", "name": "B", "org": "o" },
            { "code": "alpha", "name": "C", "org": "o" },
            { "name": "D", "repos": "not-a-list" }
          ]
        }
        """));

        Assert.Contains("has 5 problems", e.Message);
        Assert.Contains("ventures.json:4: ventures[1]: code \"Bad Code\" must be 2–12 lowercase letters or digits", e.Message);
        Assert.Contains("ventures.json:5: ventures[2]: code \"alpha\" appears more than once", e.Message);
        Assert.Contains("ventures.json:6: ventures[3]: \"code\" is required", e.Message);
        Assert.Contains("ventures.json:6: ventures[3]: \"org\" is required", e.Message);
        Assert.Contains("ventures.json:6: ventures[3]: \"repos\" must be an array of strings.", e.Message);
    }

    [Fact]
    public void Parse_NoVenturesArray_SaysWhatShapeIsExpected()
    {
        var e = Assert.Throws<VentureFileException>(() => Parse("""[{"code":"alpha"}]"""));

        Assert.Contains("expected an object with a \"ventures\" array", e.Message);
    }

    [Fact]
    public void Load_MissingFile_SaysItCannotBeRead()
    {
        var e = Assert.Throws<VentureFileException>(() => VentureRegistryFile.Load("/nonexistent/ventures.json"));

        Assert.Contains("/nonexistent/ventures.json: cannot be read", e.Message);
    }

    [Fact]
    public void Parse_MisspeltField_IsAProblemWithLineAndTheIntendedField()
    {
        var e = Assert.Throws<VentureFileException>(() => Parse("""
        {
          "ventures": [
            { "code": "alpha", "name": "Project Alpha", "org": "example-org",
              "repo": ["alpha-console"] }
          ]
        }
        """));

        Assert.Contains("ventures.json:4: ventures[0]: unknown field \"repo\"; did you mean \"repos\"?", e.Message);
    }

    [Fact]
    public void Parse_UnknownTopLevelKey_IsAProblemWithItsLine()
    {
        var e = Assert.Throws<VentureFileException>(() => Parse("""
        {
          "ventures": [],
          "venture": []
        }
        """));

        Assert.Contains("ventures.json:3: unknown field \"venture\"; did you mean \"ventures\"?", e.Message);
    }

    [Fact]
    public void Parse_TrailingComma_IsRefusedWithItsLine()
    {
        var e = Assert.Throws<VentureFileException>(() => Parse("""
        {
          "ventures": [
            { "code": "alpha", "name": "Project Alpha", "org": "example-org", "repos": ["alpha-console"] },
          ]
        }
        """));

        Assert.StartsWith("ventures.json:4: not valid JSON", e.Message);
        Assert.Contains("trailing comma", e.Message);
    }

    [Fact]
    public void Parse_Comments_AreStillAllowed()
    {
        var ventures = Parse("""
        {
          // the team's registry
          "ventures": [ { "code": "alpha", "name": "A", "org": "o" } ]
        }
        """);

        Assert.Equal("alpha", Assert.Single(ventures).Code);
    }

    [Fact]
    public void Parse_FollowUps_ReadsEachRuleWithItsTemplates()
    {
        var ventures = Parse("""
        {
          "ventures": [
            { "code": "alpha", "name": "Project Alpha", "org": "example-org",
              "follow_ups": [
                { "after": "code", "create": "review", "title": "Review: {title}", "prompt": "Look at {pr_url}", "priority": 6 },
                { "after": "review", "create": "code" }
              ] }
          ]
        }
        """);

        Assert.Equal([new FollowUpRule("code", "review", "Review: {title}", "Look at {pr_url}", 6), new FollowUpRule("review", "code")], Assert.Single(ventures).FollowUps);
    }

    [Fact]
    public void Parse_BadFollowUps_NamesEachProblemWithItsLine()
    {
        var e = Assert.Throws<VentureFileException>(() => Parse("""
        {
          "ventures": [
            { "code": "alpha", "name": "Project Alpha", "org": "example-org",
              "follow_ups": [
                { "after": "code", "create": "review", "title": "Review {titel}" },
                { "after": "code", "craete": "review", "priority": "high" }
              ] }
          ]
        }
        """));

        Assert.Contains("ventures.json:5: ventures[0].follow_ups[0]: \"title\" names {titel}; the placeholders are {title}, {task_id}, {branch}, {pr_url}.", e.Message);
        Assert.Contains("ventures.json:6: ventures[0].follow_ups[1]: unknown field \"craete\"; did you mean \"create\"?", e.Message);
        Assert.Contains("ventures.json:6: ventures[0].follow_ups[1]: \"priority\" must be a whole number 0–10.", e.Message);
        Assert.Contains("ventures.json:6: ventures[0].follow_ups[1]: \"create\" must be a capability name", e.Message);
    }
}
