using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Baton.Core.Activity;
using Baton.Core.Application;
using Baton.Core.Common;
using Baton.Core.Handoffs;
using Baton.Core.Sessions;
using Baton.Core.Ventures;
using Baton.Hosting;
using Baton.Local.Git;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Client.Tests;

/// <summary>
/// Handoffs nobody forgets (docs/architecture.md §15), in local mode on a fresh SQLite file with a manual clock: drafted
/// at compaction and session end from the session's hook events, synthesized at the next SOD for an abandoned session
/// from its events plus the git state of a real repository, and never standing in for a handoff the agent wrote.
/// </summary>
public sealed class DraftedHandoffTests : IAsyncLifetime
{
    private static readonly IdGenerator EventIds = new(TimeProvider.System);
    private readonly CancellationToken _ct = TestTimeouts.Token();
    // Baton's clock starts two hours back: commits made now with the real clock are "since the session started".
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow.AddHours(-2));
    private readonly TempDirectory _directory = new();
    private BatonRuntime _runtime = null!;
    private BatonServices _services = null!;

    public async Task InitializeAsync()
    {
        _runtime = await BatonRuntime.StartAsync(
            new ServiceCollection().AddSingleton<TimeProvider>(_clock)
                .AddBaton(new BatonOptions(), new StoreOptions { DataDir = _directory.Path }), _ct);
        _services = _runtime.For(Caller.Local(IdGenerator.NewCorrelationId()));
        await _services.Ventures.PutVentureAsync("alpha", new PutVentureRequest("Project Alpha", "example-org", ["alpha-console"]), _ct);
    }

    public async Task DisposeAsync()
    {
        await _runtime.DisposeAsync();
        _directory.Dispose();
    }

    private static JsonObject Payload(string json) => JsonNode.Parse(json)!.AsObject();

    private HookEventInput Hook(string name, string json, string sessionId, HookCli cli = HookCli.Claude) =>
        new(EventIds.New(IdGenerator.Event), cli, name, _clock.GetUtcNow(), "native-1", "/work/alpha-console", sessionId, Payload: Payload(json));

    private async Task<Session> SodAsync(string agent) =>
        (await _services.Sessions.SodAsync(new SodRequest(agent, "alpha", "alpha-console", Cli: "test", Host: "test-host"), _ct)).Session;

    private async Task WorkAsync(string sessionId, HookCli cli = HookCli.Claude)
    {
        await _services.Activity.RecordEventsAsync(new RecordEventsRequest(
        [
            Hook("PostToolUse", """{"tool_name":"Edit","tool_input":{"file_path":"src/Retry.cs","old_string":"a","new_string":"b"}}""", sessionId, cli),
            Hook("PostToolUse", """{"tool_name":"Bash","tool_input":{"command":"dotnet test --filter Retry\nexit"}}""", sessionId, cli),
            Hook("Stop", """{"last_assistant_message":"The retry works; the docs still need the new flag."}""", sessionId, cli),
        ]), _ct);
        _clock.Advance(TimeSpan.FromSeconds(5));
    }

    private async Task<Page<Handoff>> HandoffsAsync() =>
        await _services.Handoffs.ListHandoffsAsync(new HandoffListRequest("alpha"), _ct);

    [Fact]
    public async Task RecordEvents_PreCompactOfASession_StoresOneDraftBuiltFromItsEvents_EvenWhenForwardedTwice()
    {
        var session = await SodAsync(Some.Agent());
        await WorkAsync(session.Id);
        var compact = new RecordEventsRequest([Hook("PreCompact", """{"trigger":"auto"}""", session.Id)]);

        await _services.Activity.RecordEventsAsync(compact, _ct);
        var again = await _services.Activity.RecordEventsAsync(compact, _ct);
        var handoffs = await HandoffsAsync();

        Assert.Equal(1, again.Duplicates);
        var draft = Assert.Single(handoffs.Items);
        Assert.Equal((HandoffDraft.Compaction, compact.Events![0]!.Id, session.Id, session.Agent, HandoffStatus.InProgress),
            (draft.DraftedBy, draft.DraftedFrom, draft.SessionId, draft.FromAgent, draft.Status));
        Assert.Contains("Drafted by Baton before the CLI compacted its context", draft.Summary);
        Assert.Contains("Last assistant message: The retry works; the docs still need the new flag.", draft.Summary);
        var payload = JsonNode.Parse(draft.Payload)!["payload"]!;
        Assert.Equal("""["src/Retry.cs"]""", payload["files_touched"]!.ToJsonString());
        Assert.Equal("""["dotnet test --filter Retry"]""", payload["commands_run"]!.ToJsonString());
    }

    [Fact]
    public async Task RecordEvents_GeminiPreCompressAndSessionEnd_DraftOneHandoffEach()
    {
        var session = await SodAsync(Some.Agent());
        await WorkAsync(session.Id, HookCli.Gemini);

        await _services.Activity.RecordEventsAsync(new RecordEventsRequest(
            [Hook("PreCompress", """{"trigger":"auto"}""", session.Id, HookCli.Gemini), Hook("SessionEnd", """{"reason":"exit"}""", session.Id, HookCli.Gemini)]), _ct);
        var handoffs = await HandoffsAsync();

        Assert.Equal([HandoffDraft.SessionEnd, HandoffDraft.Compaction], handoffs.Items.Select(h => h.DraftedBy));
    }

    [Fact]
    public async Task RecordEvents_SessionEndAfterTheAgentsOwnEod_DraftsNothing()
    {
        var session = await SodAsync(Some.Agent());
        await WorkAsync(session.Id);
        var eod = await _services.Sessions.EodAsync(new EodRequest(session.Id, "Retry done.", HandoffStatus.Done), _ct);

        await _services.Activity.RecordEventsAsync(new RecordEventsRequest([Hook("SessionEnd", """{"reason":"logout"}""", session.Id)]), _ct);
        var handoffs = await HandoffsAsync();

        Assert.Equal([eod.Handoff.Id], handoffs.Items.Select(h => h.Id));
        Assert.Null(handoffs.Items[0].DraftedBy);
    }

    [Fact]
    public async Task Sod_AfterTheSessionWasAbandoned_SynthesizesAHandoffFromItsEventsAndTheRepoGitState_ShownInTheBriefing()
    {
        using var repo = new TempDirectory();
        Git(repo.Path, null, "init", "-q", "-b", "feature/retry");
        Git(repo.Path, null, "remote", "add", "origin", "git@github.com:example-org/alpha-console.git");
        File.WriteAllText(Path.Combine(repo.Path, "README.md"), "alpha\n");
        Git(repo.Path, null, "add", ".");
        // Committed three hours ago by the real clock: before the session started (two hours ago).
        Git(repo.Path, DateTimeOffset.UtcNow.AddHours(-3), "commit", "-q", "-m", "Initial import");
        var agent = Some.Agent();
        var handler = new SodHandler(GitWorkingTreeReader.Instance);
        var frontEnd = new FrontEnd("test", "test-host", agent, ArgumentNames.CommandLine, null);

        var first = await handler.RunAsync(new SodArguments(Venture: "alpha"), frontEnd, repo.Path, _services.Sessions, _services.Ventures, _ct);
        await WorkAsync(first.Answer.Session.Id);
        File.WriteAllText(Path.Combine(repo.Path, "Retry.cs"), "class Retry {}\n");
        Git(repo.Path, null, "add", "Retry.cs");
        Git(repo.Path, null, "commit", "-q", "-m", "Add the retry");
        File.AppendAllText(Path.Combine(repo.Path, "README.md"), "uncommitted line\n");
        _clock.Advance(TimeSpan.FromHours(2));

        var next = await handler.RunAsync(new SodArguments(Venture: "alpha"), frontEnd, repo.Path, _services.Sessions, _services.Ventures, _ct);
        var handoffs = await HandoffsAsync();

        Assert.NotEqual(first.Answer.Session.Id, next.Answer.Session.Id);
        var synthesized = Assert.Single(handoffs.Items);
        Assert.Equal((HandoffDraft.Abandoned, first.Answer.Session.Id), (synthesized.DraftedBy, synthesized.SessionId));
        Assert.Equal(synthesized.Id, next.Answer.LastHandoff?.Id);
        Assert.Contains("Synthesized by Baton for an abandoned session", next.Answer.Briefing);
        var fields = JsonNode.Parse(synthesized.Payload)!;
        Assert.Equal(["Add the retry"], fields["accomplished"]!.AsArray().Select(c => c!.GetValue<string>()[20..]));
        Assert.Contains(fields["in_progress"]!.AsArray(), e => e!.GetValue<string>() == "touched src/Retry.cs");
        Assert.Contains(fields["in_progress"]!.AsArray(), e => e!.GetValue<string>().StartsWith("uncommitted: README.md | 1 +", StringComparison.Ordinal));
        Assert.Equal("feature/retry", (string?)fields["payload"]!["git"]!["branch"]);
        Assert.Contains("Git: 1 commit since the session started on feature/retry, uncommitted changes.", synthesized.Summary);

        // The SOD after that resumes the new session: nothing more is synthesized.
        await handler.RunAsync(new SodArguments(Venture: "alpha"), frontEnd, repo.Path, _services.Sessions, _services.Ventures, _ct);
        Assert.Equal(1, (await HandoffsAsync()).Total);
    }

    /// <summary>git with a fixed identity, and the commit time given (both dates) when <paramref name="at"/> is set.</summary>
    private static void Git(string directory, DateTimeOffset? at, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", .. args])
            start.ArgumentList.Add(arg);
        if (at is { } time)
        {
            var iso = time.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);
            start.Environment["GIT_COMMITTER_DATE"] = iso;
            start.Environment["GIT_AUTHOR_DATE"] = iso;
        }
        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEndAsync();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        output.Wait();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
    }
}
