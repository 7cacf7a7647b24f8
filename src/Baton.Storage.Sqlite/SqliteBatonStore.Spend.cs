using Baton.Core.Spend;

namespace Baton.Storage.Sqlite;

public sealed partial class SqliteBatonStore
{
    public Task<SpendSums> SumSpendAsync(SpendQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(db => SumSpend(db, query), ct);
    }

    private static SpendSums SumSpend(Db db, SpendQuery query)
    {
        var (sql, args) = SpendRows.Sum(query);
        return SpendRows.Sums(db.List(sql, r => SpendRows.Row(r, query.By), args));
    }

    private static SpendTotals SessionSpend(Db db, SessionSpendQuery query)
    {
        var (sql, args) = SpendRows.SessionSum(query);
        return db.List(sql, SpendRows.SessionTotals, args).Single();
    }
}
