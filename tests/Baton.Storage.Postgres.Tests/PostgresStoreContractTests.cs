using Baton.Core.Sessions;
using Baton.Core.Storage;
using Baton.Storage.Contract;

namespace Baton.Storage.Postgres.Tests;

/// <summary>The storage contract run against PostgreSQL: a new schema per test.</summary>
public sealed class PostgresStoreContractTests : StoreContractTests
{
    private string? _schema;

    protected override async Task<IBatonStore> CreateStoreAsync()
    {
        (var store, _schema) = await TestDatabase.OpenStoreAsync(Ct);
        return store;
    }

    protected override Task SeedSessionAsync(Session session) => ((PostgresBatonStore)Store).SeedSessionAsync(session, Ct);

    protected override void RunBetweenBriefingReads(Func<Task>? between) => ((PostgresBatonStore)Store).AfterFirstBriefingReads = between;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_schema is not null) await TestDatabase.DropSchemaAsync(_schema);
    }
}

/// <summary>The knowledge side of the storage contract run against PostgreSQL: a new schema per test.</summary>
public sealed class PostgresKnowledgeStoreContractTests : KnowledgeStoreContractTests
{
    private string? _schema;

    protected override async Task<IBatonStore> CreateStoreAsync()
    {
        (var store, _schema) = await TestDatabase.OpenStoreAsync(Ct);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_schema is not null) await TestDatabase.DropSchemaAsync(_schema);
    }
}

/// <summary>The fleet side of the storage contract run against PostgreSQL: a new schema per test.</summary>
public sealed class PostgresFleetStoreContractTests : FleetStoreContractTests
{
    private string? _schema;

    protected override async Task<IBatonStore> CreateStoreAsync()
    {
        (var store, _schema) = await TestDatabase.OpenStoreAsync(Ct);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_schema is not null) await TestDatabase.DropSchemaAsync(_schema);
    }
}

/// <summary>The alerts, webhooks and cadence side of the storage contract run against PostgreSQL: a new schema per test.</summary>
public sealed class PostgresAlertStoreContractTests : AlertStoreContractTests
{
    private string? _schema;

    protected override async Task<IBatonStore> CreateStoreAsync()
    {
        (var store, _schema) = await TestDatabase.OpenStoreAsync(Ct);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_schema is not null) await TestDatabase.DropSchemaAsync(_schema);
    }
}

/// <summary>The queue side of the storage contract run against PostgreSQL: a new schema per test.</summary>
public sealed class PostgresQueueStoreContractTests : QueueStoreContractTests
{
    private string? _schema;

    protected override async Task<IBatonStore> CreateStoreAsync()
    {
        (var store, _schema) = await TestDatabase.OpenStoreAsync(Ct);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_schema is not null) await TestDatabase.DropSchemaAsync(_schema);
    }
}

/// <summary>The hook-event side of the storage contract run against PostgreSQL: a new schema per test.</summary>
public sealed class PostgresActivityStoreContractTests : ActivityStoreContractTests
{
    private string? _schema;

    protected override async Task<IBatonStore> CreateStoreAsync()
    {
        (var store, _schema) = await TestDatabase.OpenStoreAsync(Ct);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_schema is not null) await TestDatabase.DropSchemaAsync(_schema);
    }
}

/// <summary>The claims side of the storage contract run against PostgreSQL: a new schema per test.</summary>
public sealed class PostgresClaimStoreContractTests : ClaimStoreContractTests
{
    private string? _schema;

    protected override async Task<IBatonStore> CreateStoreAsync()
    {
        (var store, _schema) = await TestDatabase.OpenStoreAsync(Ct);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_schema is not null) await TestDatabase.DropSchemaAsync(_schema);
    }
}

/// <summary>The spend side of the storage contract run against PostgreSQL: a new schema per test.</summary>
public sealed class PostgresSpendStoreContractTests : SpendStoreContractTests
{
    private string? _schema;

    protected override async Task<IBatonStore> CreateStoreAsync()
    {
        (var store, _schema) = await TestDatabase.OpenStoreAsync(Ct);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_schema is not null) await TestDatabase.DropSchemaAsync(_schema);
    }
}

/// <summary>The supervision side of the storage contract run against PostgreSQL: a new schema per test.</summary>
public sealed class PostgresSupervisionStoreContractTests : SupervisionStoreContractTests
{
    private string? _schema;

    protected override async Task<IBatonStore> CreateStoreAsync()
    {
        (var store, _schema) = await TestDatabase.OpenStoreAsync(Ct);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_schema is not null) await TestDatabase.DropSchemaAsync(_schema);
    }
}

/// <summary>The workflow side of the storage contract run against PostgreSQL: a new schema per test.</summary>
public sealed class PostgresWorkflowStoreContractTests : WorkflowStoreContractTests
{
    private string? _schema;

    protected override async Task<IBatonStore> CreateStoreAsync()
    {
        (var store, _schema) = await TestDatabase.OpenStoreAsync(Ct);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_schema is not null) await TestDatabase.DropSchemaAsync(_schema);
    }
}

/// <summary>The change-log side of the storage contract run against PostgreSQL: a new schema per test.</summary>
public sealed class PostgresChangeStoreContractTests : ChangeStoreContractTests
{
    private string? _schema;

    protected override async Task<IBatonStore> CreateStoreAsync()
    {
        (var store, _schema) = await TestDatabase.OpenStoreAsync(Ct);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_schema is not null) await TestDatabase.DropSchemaAsync(_schema);
    }
}
