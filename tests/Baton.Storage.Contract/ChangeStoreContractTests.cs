using Baton.Core.Activity;
using Baton.Core.Alerts;
using Baton.Core.Changes;
using Baton.Core.Claims;
using Baton.Core.Common;
using Baton.Core.Fleet;
using Baton.Core.Sessions;
using Baton.Core.Ventures;
using Baton.Core.Workflows;

namespace Baton.Storage.Contract;

/// <summary>
/// The change-log side of the storage contract (<see cref="IChangeStore"/>, docs/decisions/0034-change-feed.md): every
/// kind of write records its change — kind, venture, subject — in its own transaction (the stores' triggers); reads
/// after a seq, oldest first, limited; the purge by age; the latest seq; and a listener woken after a write commits.
/// Each store's test project subclasses this once.
/// </summary>
public abstract class ChangeStoreContractTests : StoreContractBase
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(45);

    private async Task<Venture> GivenVentureAsync()
    {
        var venture = Some.Venture();
        await Store.UpsertVenturesAsync([venture], Ct);
        return venture;
    }

    private async Task<Session> GivenSessionAsync(Venture venture, DateTimeOffset at) =>
        (await Store.StartOrResumeSessionAsync(Some.Session(venture.Code, at), at, StaleAfter, Ct)).Session;

    /// <summary>What the write did to the log: the changes recorded since <paramref name="after"/>.</summary>
    private async Task<IReadOnlyList<Change>> SinceAsync(long after) => await Store.ReadChangesAsync(after, ChangeLog.MaxRead, Ct);

    private static void AssertChange(Change change, string kind, string? venture, string subject)
    {
        Assert.Equal(kind, change.Kind);
        Assert.Equal(venture, change.Venture);
        Assert.Equal(subject, change.Subject);
    }

    [Fact]
    public async Task LatestChangeSeq_EmptyLog_IsZero() => Assert.Equal(0, await Store.LatestChangeSeqAsync(Ct));

    [Fact]
    public async Task SessionWrites_StartHeartbeatMoveEnd_EachRecordASessionChange()
    {
        var venture = await GivenVentureAsync();
        var before = await Store.LatestChangeSeqAsync(Ct);

        var session = await GivenSessionAsync(venture, T0);
        var started = Assert.Single(await SinceAsync(before));
        AssertChange(started, ChangeKinds.Session, venture.Code, session.Id);
        Assert.Equal(T0, started.At);

        await Store.TouchSessionAsync(session.Id, null, T0.AddMinutes(1), StaleAfter, Ct);
        var heartbeat = Assert.Single(await SinceAsync(started.Seq));
        AssertChange(heartbeat, ChangeKinds.Session, venture.Code, session.Id);
        Assert.Equal(T0.AddMinutes(1), heartbeat.At);

        await Store.TouchSessionAsync(session.Id, new SessionUpdate("feature", null, 9, null), T0.AddMinutes(2), StaleAfter, Ct);
        var moved = await SinceAsync(heartbeat.Seq);
        Assert.NotEmpty(moved);
        Assert.All(moved, c => AssertChange(c, ChangeKinds.Session, venture.Code, session.Id));

        var ended = await Store.LatestChangeSeqAsync(Ct);
        await Store.EndSessionAsync(session.Id, Some.Handoff(venture.Code, T0.AddMinutes(3), sessionId: session.Id), T0.AddMinutes(3), StaleAfter, Ct);
        var eod = await SinceAsync(ended);
        Assert.Contains(eod, c => c.Kind == ChangeKinds.Session && c.Subject == session.Id);
        Assert.Contains(eod, c => c.Kind == ChangeKinds.Handoff && c.Venture == venture.Code);
    }

    [Fact]
    public async Task HookEvents_MatchedAndUnmatched_RecordTheSessionOrTheEventAsSubject()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        var before = await Store.LatestChangeSeqAsync(Ct);
        var matched = new PendingHookEvent(
            new HookEvent(Some.Id(IdGenerator.Event), null, venture.Code, session.Agent, HookCli.Claude, null, "PreToolUse", HookEventKind.Tool, "Bash",
                "Bash: make test", "/work/alpha", T0.AddSeconds(1), T0.AddSeconds(1)),
            session.Id, session.Repo, null, T0.AddSeconds(1), WaitingChange.None.Instance);
        var unmatchedId = Some.Id(IdGenerator.Event);
        var unmatched = new PendingHookEvent(
            new HookEvent(unmatchedId, null, null, null, HookCli.Claude, "native-1", "PreToolUse", HookEventKind.Tool, "Bash",
                "Bash: ls", "/tmp", T0.AddSeconds(2), T0.AddSeconds(2)),
            null, null, null, T0.AddSeconds(2), WaitingChange.None.Instance);

        await Store.RecordEventsAsync([matched, unmatched], T0.AddSeconds(2), StaleAfter, Ct);

        var changes = (await SinceAsync(before)).Where(c => c.Kind == ChangeKinds.HookEvent).ToList();
        Assert.Equal(2, changes.Count);
        AssertChange(changes[0], ChangeKinds.HookEvent, venture.Code, session.Id);
        AssertChange(changes[1], ChangeKinds.HookEvent, null, unmatchedId);
    }

    [Fact]
    public async Task Tasks_AddedAndMoved_RecordATaskChangeInTheTasksVenture()
    {
        var venture = await GivenVentureAsync();
        var before = await Store.LatestChangeSeqAsync(Ct);

        var task = await Store.InsertTaskAsync(SomeTasks.Task(T0, venture.Code), "creator-key", Ct);

        var added = Assert.Single(await SinceAsync(before));
        AssertChange(added, ChangeKinds.Task, venture.Code, task.Id);
        Assert.Equal(T0, added.At);
    }

    [Fact]
    public async Task Handoffs_Inserted_RecordAHandoffChange()
    {
        var venture = await GivenVentureAsync();
        var before = await Store.LatestChangeSeqAsync(Ct);
        var handoff = Some.Handoff(venture.Code, T0);

        await Store.InsertHandoffAsync(handoff, Ct);

        AssertChange(Assert.Single(await SinceAsync(before)), ChangeKinds.Handoff, venture.Code, handoff.Id);
    }

    [Fact]
    public async Task Alerts_OpenedAndResolved_RecordAnAlertChangeEachTime()
    {
        var venture = await GivenVentureAsync();
        var before = await Store.LatestChangeSeqAsync(Ct);
        var failure = new AlertSignal(AlertSignalKind.Failure, venture.Code, "example-org/alpha", "CI", "main", "workflow_run", AlertSeverity.High, true,
            "https://github.com/example-org/alpha/actions/runs/1", T0, $"github:workflow_run:{Guid.NewGuid():N}", Some.Id(IdGenerator.Alert));

        var opened = await Store.ApplyAlertSignalAsync(failure, Ct);
        await Store.ApplyAlertSignalAsync(failure with { Kind = AlertSignalKind.Success, At = T0.AddMinutes(5), EventRef = "github:workflow_run:green" }, Ct);

        var changes = await SinceAsync(before);
        Assert.Equal(2, changes.Count);
        Assert.All(changes, c => AssertChange(c, ChangeKinds.Alert, venture.Code, opened.Alert!.Id));
    }

    [Fact]
    public async Task Claims_TakenAndReleased_RecordAClaimChangeEachTime()
    {
        var venture = await GivenVentureAsync();
        var session = await GivenSessionAsync(venture, T0);
        var before = await Store.LatestChangeSeqAsync(Ct);
        var claim = new Claim(Some.Id(IdGenerator.Claim), session.Id, session.Venture, session.Repo, session.Agent, null, ["src/**"], ClaimMode.Exclusive,
            T0, null, null, "0123456789abcdef");

        await Store.InsertClaimAsync(claim, T0, StaleAfter, Ct);
        await Store.ReleaseClaimAsync(claim.Id, T0.AddMinutes(1), Ct);

        var changes = (await SinceAsync(before)).Where(c => c.Kind == ChangeKinds.Claim).ToList();
        Assert.Equal(2, changes.Count);
        Assert.All(changes, c => AssertChange(c, ChangeKinds.Claim, venture.Code, claim.Id));
        Assert.Equal(T0.AddMinutes(1), changes[1].At);
    }

    [Fact]
    public async Task WorkflowsAndSprints_InsertedAndUpdated_RecordTheirChanges()
    {
        var before = await Store.LatestChangeSeqAsync(Ct);
        var id = Some.Id(WorkflowIds.Workflow);
        var workflow = new Workflow(id, "alpha", "example-org/api", "example-org/api#42", "Add login", null, WorkflowState.Create,
            Bounces: 0, MaxBounces: 2, HumanGates: [], WorkflowIds.BranchOf(id), Plan: null, PrUrl: null, Step: 0, StepTaskId: null,
            WaitingForHuman: null, Reason: null, null, "creator-key", T0, T0, FinishedAt: null, Version: 1);
        var sprint = new Sprint(Some.Id(WorkflowIds.Sprint), "alpha", "example-org/api", SprintMode.Workflow, SprintState.Running,
            [new SprintItem(12, "First", 0, [], SprintItemState.Running, [id], null, null)],
            CurrentWave: 0, WaveCount: 1, "creator-key", T0, T0, FinishedAt: null, Version: 1);

        await Store.InsertWorkflowAsync(workflow, [new WorkflowEvent(id, 1, T0, null, WorkflowState.Create, "created", "workflow", "created reason", TaskId: null, null)], [], Ct);
        await Store.InsertSprintAsync(sprint, Ct);

        var changes = await SinceAsync(before);
        AssertChange(Assert.Single(changes, c => c.Kind == ChangeKinds.Workflow), ChangeKinds.Workflow, "alpha", workflow.Id);
        AssertChange(Assert.Single(changes, c => c.Kind == ChangeKinds.Sprint), ChangeKinds.Sprint, "alpha", sprint.Id);
    }

    [Fact]
    public async Task AgentsAndMachines_RegisteredAndSeenAgain_RecordFleetWideChanges()
    {
        var before = await Store.LatestChangeSeqAsync(Ct);
        var machine = new Machine(Some.Id(IdGenerator.Machine), Some.Name("host"), "linux", "x64", "10.0.0.1", null, "dev", T0, T0, "0123456789abcdef");
        var agent = SomeTasks.Agent(T0);

        var storedMachine = (await Store.UpsertMachineAsync(machine, Ct)).Machine;
        await Store.UpsertMachineAsync(machine with { LastSeenAt = T0.AddMinutes(1) }, Ct);
        var storedAgent = (await Store.UpsertAgentAsync(agent, Ct)).Agent;

        var changes = await SinceAsync(before);
        var machines = changes.Where(c => c.Kind == ChangeKinds.Machine).ToList();
        Assert.Equal(2, machines.Count);
        Assert.All(machines, c => AssertChange(c, ChangeKinds.Machine, null, storedMachine.Id));
        AssertChange(Assert.Single(changes, c => c.Kind == ChangeKinds.Agent), ChangeKinds.Agent, null, storedAgent.Id);
    }

    [Fact]
    public async Task Notes_VentureAndGlobal_RecordTheVentureOrNull()
    {
        var venture = await GivenVentureAsync();
        var before = await Store.LatestChangeSeqAsync(Ct);
        var scoped = Some.Note(venture.Code, T0);
        var global = Some.Note(Venture.Global, T0);

        await Store.InsertNoteAsync(scoped, Ct);
        await Store.InsertNoteAsync(global, Ct);
        await Store.UpdateNoteAsync(scoped.Id, "New title", null, null, T0.AddMinutes(1), Ct);

        var changes = await SinceAsync(before);
        Assert.Equal(3, changes.Count);
        AssertChange(changes[0], ChangeKinds.Note, venture.Code, scoped.Id);
        AssertChange(changes[1], ChangeKinds.Note, null, global.Id);
        AssertChange(changes[2], ChangeKinds.Note, venture.Code, scoped.Id);
        Assert.Equal(T0.AddMinutes(1), changes[2].At);
    }

    [Fact]
    public async Task ReadChanges_AfterAndLimit_OldestFirstAndNothingAtOrBelowTheSeq()
    {
        var venture = await GivenVentureAsync();
        var start = await Store.LatestChangeSeqAsync(Ct);
        for (var i = 0; i < 5; i++) await Store.InsertHandoffAsync(Some.Handoff(venture.Code, T0.AddSeconds(i)), Ct);

        var all = await SinceAsync(start);
        Assert.Equal(5, all.Count);
        Assert.Equal(all.Select(c => c.Seq).Order(), all.Select(c => c.Seq));
        Assert.Equal(all[^1].Seq, await Store.LatestChangeSeqAsync(Ct));

        var page = await Store.ReadChangesAsync(all[1].Seq, 2, Ct);
        Assert.Equal([all[2].Seq, all[3].Seq], page.Select(c => c.Seq));
        Assert.Empty(await Store.ReadChangesAsync(all[^1].Seq, 10, Ct));
    }

    [Fact]
    public async Task PurgeChanges_OlderThanTheCut_DeletesThemButNeverTheNewestSoSeqsNeverRepeat()
    {
        var venture = await GivenVentureAsync();
        var start = await Store.LatestChangeSeqAsync(Ct);
        await Store.InsertHandoffAsync(Some.Handoff(venture.Code, T0), Ct);
        await Store.InsertHandoffAsync(Some.Handoff(venture.Code, T0.AddHours(1)), Ct);
        await Store.InsertHandoffAsync(Some.Handoff(venture.Code, T0.AddHours(2)), Ct);
        var written = await SinceAsync(start);

        Assert.Equal(1, await Store.PurgeChangesAsync(T0.AddMinutes(30), Ct));
        Assert.Equal(written.Skip(1).Select(c => c.Seq), (await SinceAsync(start)).Select(c => c.Seq));

        // Everything is older than this cut, yet the newest stays: a new change then gets a seq above every earlier one.
        Assert.Equal(1, await Store.PurgeChangesAsync(T0.AddDays(1), Ct));
        Assert.Equal(written[^1].Seq, Assert.Single(await SinceAsync(start)).Seq);
        await Store.InsertHandoffAsync(Some.Handoff(venture.Code, T0.AddHours(3)), Ct);
        Assert.True((await SinceAsync(written[^1].Seq)).Single().Seq > written[^1].Seq);
    }

    [Fact]
    public async Task ListenForChanges_AfterAWriteCommits_WakesTheListener()
    {
        var venture = await GivenVentureAsync();
        var woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using (await Store.ListenForChangesAsync(() => woken.TrySetResult(), Ct))
        {
            await Store.InsertHandoffAsync(Some.Handoff(venture.Code, T0), Ct);
            await woken.Task.WaitAsync(Ct);
        }
        Assert.True(woken.Task.IsCompletedSuccessfully);
    }
}
