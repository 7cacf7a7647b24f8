using System.Data.Common;

namespace Baton.Storage.Relational;

/// <summary>
/// The few places where the two SQL stores differ under shared code: how a parameter is written and bound, and how
/// the column types SQLite lacks (boolean, text array) are stored. Static members, so the shared code is generic over
/// the dialect and each store names its dialect once (a global using) instead of passing an object everywhere; the
/// dialects are structs, so each store's copy of that code is compiled for it with the dialect's calls inlined.
/// </summary>
internal interface ISqlDialect
{
    /// <summary>A parameter as the SQL text names it (<c>$name</c>, <c>@name</c>).</summary>
    static abstract string Parameter(string name);

    /// <summary>The name the parameter is bound under, as the driver expects it.</summary>
    static abstract string BindName(string name);

    static abstract bool ReadBool(DbDataReader reader, int ordinal);

    static abstract object BoolValue(bool value);

    static abstract string[] ReadList(DbDataReader reader, int ordinal);

    static abstract object ListValue(IReadOnlyList<string> values);

    /// <summary>
    /// The condition "<paramref name="column"/> is true", in the form an index on the column can serve (SQLite needs
    /// an equality with 1; PostgreSQL reads the boolean itself as <c>= true</c>).
    /// </summary>
    static abstract string IsTrue(string column);
}
