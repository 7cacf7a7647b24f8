using Baton.Core.Spend;

namespace Baton.Storage.Postgres;

public sealed partial class PostgresBatonStore
{
    public Task<SpendSums> SumSpendAsync(SpendQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return RunAsync(db => db.QueryAsync(SumSpendQuery(query), ct), ct);
    }

    private static Query<SpendSums> SumSpendQuery(SpendQuery query)
    {
        var (sql, args) = SpendRows.Sum(query);
        return Queries.List(sql, r => SpendRows.Row(r, query.By), args).Then(SpendRows.Sums);
    }

    /// <summary>The briefing's session spend: one more statement in its batch, no round trip of its own.</summary>
    private static Query<SpendTotals> SessionSpendQuery(SessionSpendQuery query)
    {
        var (sql, args) = SpendRows.SessionSum(query);
        return Queries.List(sql, SpendRows.SessionTotals, args).Then(rows => rows.Single());
    }
}
