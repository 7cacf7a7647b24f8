global using Filter = Baton.Storage.Relational.Filter<Baton.Storage.Postgres.PostgresDialect>;
global using ListFilters = Baton.Storage.Relational.ListFilters<Baton.Storage.Postgres.PostgresDialect>;
global using Rows = Baton.Storage.Relational.Rows<Baton.Storage.Postgres.PostgresDialect>;
global using OrchestrationRows = Baton.Storage.Relational.OrchestrationRows<Baton.Storage.Postgres.PostgresDialect>;
global using ActivityRows = Baton.Storage.Relational.ActivityRows<Baton.Storage.Postgres.PostgresDialect>;
global using ClaimRows = Baton.Storage.Relational.ClaimRows<Baton.Storage.Postgres.PostgresDialect>;
global using SpendRows = Baton.Storage.Relational.SpendRows<Baton.Storage.Postgres.PostgresDialect>;
global using WorkflowRows = Baton.Storage.Relational.WorkflowRows<Baton.Storage.Postgres.PostgresDialect>;
global using ChangeRows = Baton.Storage.Relational.ChangeRows<Baton.Storage.Postgres.PostgresDialect>;
using System.Data.Common;
using Baton.Storage.Relational;

namespace Baton.Storage.Postgres;

/// <summary>PostgreSQL's side of the shared relational code: <c>@name</c> parameters, <c>boolean</c> and <c>text[]</c> columns.</summary>
internal readonly struct PostgresDialect : ISqlDialect
{
    public static string Parameter(string name) => "@" + name;

    // Npgsql matches a placeholder to the parameter of the bare name.
    public static string BindName(string name) => name;

    public static bool ReadBool(DbDataReader reader, int ordinal) => reader.GetBoolean(ordinal);

    public static object BoolValue(bool value) => value;

    public static string[] ReadList(DbDataReader reader, int ordinal) => reader.GetFieldValue<string[]>(ordinal);

    // A string[] is what Db binds as text[] (typed, so an empty list still tells PostgreSQL what it is).
    public static object ListValue(IReadOnlyList<string> values) => values as string[] ?? [.. values];

    public static string IsTrue(string column) => column;
}
