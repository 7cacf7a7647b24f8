global using Filter = Baton.Storage.Relational.Filter<Baton.Storage.Sqlite.SqliteDialect>;
global using ListFilters = Baton.Storage.Relational.ListFilters<Baton.Storage.Sqlite.SqliteDialect>;
global using Rows = Baton.Storage.Relational.Rows<Baton.Storage.Sqlite.SqliteDialect>;
global using OrchestrationRows = Baton.Storage.Relational.OrchestrationRows<Baton.Storage.Sqlite.SqliteDialect>;
global using ActivityRows = Baton.Storage.Relational.ActivityRows<Baton.Storage.Sqlite.SqliteDialect>;
global using ClaimRows = Baton.Storage.Relational.ClaimRows<Baton.Storage.Sqlite.SqliteDialect>;
global using SpendRows = Baton.Storage.Relational.SpendRows<Baton.Storage.Sqlite.SqliteDialect>;
global using WorkflowRows = Baton.Storage.Relational.WorkflowRows<Baton.Storage.Sqlite.SqliteDialect>;
global using ChangeRows = Baton.Storage.Relational.ChangeRows<Baton.Storage.Sqlite.SqliteDialect>;
using System.Data.Common;
using System.Text.Json;
using Baton.Core.Common;
using Baton.Storage.Relational;

namespace Baton.Storage.Sqlite;

/// <summary>SQLite's side of the shared relational code: <c>$name</c> parameters, and no boolean or array column types.</summary>
internal readonly struct SqliteDialect : ISqlDialect
{
    public static string Parameter(string name) => "$" + name;

    // Microsoft.Data.Sqlite binds a parameter under the name the SQL gives it, prefix included.
    public static string BindName(string name) => "$" + name;

    // Booleans are INTEGER 0 or 1 (the tables are STRICT).
    public static bool ReadBool(DbDataReader reader, int ordinal) => reader.GetInt64(ordinal) != 0;

    public static object BoolValue(bool value) => value ? 1 : 0;

    // Lists are a JSON array of strings in a TEXT column.
    public static string[] ReadList(DbDataReader reader, int ordinal) =>
        JsonSerializer.Deserialize<string[]>(reader.GetString(ordinal), BatonJson.Options) ?? [];

    public static object ListValue(IReadOnlyList<string> values) => JsonSerializer.Serialize(values, BatonJson.Options);

    // A bare column is only a truth test to SQLite, which no index serves; an equality with 1 is a lookup.
    public static string IsTrue(string column) => column + " = 1";
}
