using Baton.Cli.Tests.Worker;
using Baton.Core.Orchestration.Tasks;
using Baton.Core.Workflows;
using Npgsql;

namespace Baton.Cli.Tests.Workflows;

/// <summary>
/// A workflow on a server whose store is PostgreSQL (the team setup), killed -9 on the way: the versioned saves, the
/// minted step ids and the outbox on the other store. Needs <c>BATON_TEST_PG</c> (.ci/run starts a server and sets it).
/// </summary>
[Collection(WorkflowProcessCollection.Name)]
public sealed class PostgresWorkflowTests
{
    [PostgresFact]
    public async Task Workflow_OnPostgresKilledInReviewAndQa_IsAcceptedWithOneTaskPerStep()
    {
        var (schema, url) = await CreateSchemaAsync();
        try
        {
            await using var scene = await WorkflowScene.StartAsync(postgresUrl: url);
            scene.Script(WorkflowScene.AgentReviewer, (FakeAgentClis.Sleep(2), WorkflowScene.Approve));
            scene.TestsPass(sleepSeconds: 2);
            scene.StartWorker();
            var id = (await scene.StartWorkflowAsync()).Workflow.Id;

            foreach (var state in new[] { WorkflowState.Review, WorkflowState.Qa })
            {
                var seen = await scene.WaitForAsync(id, w => w.Workflow.State >= state, WorkflowMachine.Name(state));
                Assert.Equal(state, seen.Workflow.State);
                await scene.World.KillServerAsync();
                await scene.World.RestartServerAsync();
            }
            var done = await scene.WaitForStateAsync(id, WorkflowState.Accepted);
            // Effects the killed server had claimed wait out its claim (75 s): on a store replicas share, a claim
            // cannot be told from a live replica's, so none is released early.
            await scene.WaitForEffectsAsync(id, within: TimeSpan.FromMinutes(3));

            var tasks = await scene.StepTasksAsync(id);
            Assert.Equal(["plan", "review-plan", "code", "qa", "deploy"], tasks.Select(t => t.Capability));
            Assert.All(tasks, t => Assert.Equal(TaskState.Succeeded, t.State));
            Assert.Equal(5, done.Events.Count(e => e.Trigger == "step"));
            Assert.Contains(done.Workflow.PrUrl!, scene.GitHub.Merged);
            Assert.True(scene.GitHub.IsClosed(WorkerWorld.Repo, 42));
        }
        finally
        {
            await DropSchemaAsync(schema);
        }
    }

    private static async Task<(string Schema, string Url)> CreateSchemaAsync()
    {
        var schema = "wf_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(PostgresFactAttribute.ConnectionString))
        {
            await connection.OpenAsync(TestTimeouts.Token());
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync(TestTimeouts.Token());
        }
        return (schema, new NpgsqlConnectionStringBuilder(PostgresFactAttribute.ConnectionString) { SearchPath = schema }.ConnectionString);
    }

    private static async Task DropSchemaAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(PostgresFactAttribute.ConnectionString);
        await connection.OpenAsync(TestTimeouts.Token());
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
        await command.ExecuteNonQueryAsync(TestTimeouts.Token());
    }
}

/// <summary>
/// A fact that needs the PostgreSQL server named by <c>BATON_TEST_PG</c>: reported skipped, with what to set, where it is
/// not set (a laptop without PostgreSQL); CI always sets it, so there it always runs.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "BATON_TEST_PG";

    public static string ConnectionString => Environment.GetEnvironmentVariable(Variable) ?? "";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
            Skip = $"{Variable} is not set: this test needs a PostgreSQL server (.ci/run starts one and sets it).";
    }
}
