using Microsoft.EntityFrameworkCore;
using ScimServer.Persistence;

namespace ScimServer.Accounts;

/// <summary>Seats purchased, used and left per product (a seat is taken by an active, non-Viewer user of the product).</summary>
public sealed record ProductSeats(Guid Id, string Code, string Name, int Purchased, int Used)
{
    public int Left => Math.Max(0, Purchased - Used);

    /// <summary>The account's products with their seat counters: one statement over a handful of rows.</summary>
    public static async Task<List<ProductSeats>> OfAccountAsync(ScimDbContext db, Guid accountId, CancellationToken ct) =>
        await db.Products.AsNoTracking().Where(p => p.AccountId == accountId).OrderBy(p => p.Code)
            .Select(p => new ProductSeats(p.Id, p.Code, p.Name, p.Seats, p.SeatsUsed))
            .ToListAsync(ct);
}

/// <summary>A product whose counter disagrees with a recount of its users.</summary>
public sealed record SeatDrift(Guid AccountId, Guid ProductId, string Code, int Recorded, int Counted);

/// <summary>
/// Recounts seats from the users (the partial index ix_users_seats serves it) and compares with the counters:
/// the check behind <c>seats verify</c>. Repair sets each drifted counter to its recount under the product lock.
/// </summary>
public static class SeatAudit
{
    /// <summary>Every product of the account (all accounts when null) whose counter differs from its recount.</summary>
    public static Task<List<SeatDrift>> DriftAsync(ScimDbContext db, Guid? accountId, CancellationToken ct) =>
        db.Database.SqlQueryRaw<SeatDrift>($$"""
            SELECT p.account_id AS "AccountId", p.id AS "ProductId", p.code AS "Code", p.seats_used AS "Recorded", c.n AS "Counted"
            FROM products p CROSS JOIN LATERAL ({{Recount}}) c
            WHERE (@account IS NULL OR p.account_id = @account) AND p.seats_used <> c.n
            ORDER BY p.account_id, p.code
            """, new Npgsql.NpgsqlParameter("account", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)accountId ?? DBNull.Value }).ToListAsync(ct);

    /// <summary>The seats taken by the users of product <c>p</c>: <see cref="SeatRule"/> in SQL (the partial index ix_users_seats serves it).</summary>
    private const string Recount =
        $"SELECT count(*)::int AS n FROM users WHERE product_id = p.id AND {SeatRule.Predicate}";

    /// <summary>Sets the drifted counters to their recount; each product row is locked so no grant interleaves.</summary>
    public static async Task<List<SeatDrift>> RepairAsync(ScimDbContext db, Guid? accountId, CancellationToken ct)
    {
        var drift = await DriftAsync(db, accountId, ct);
        foreach (var product in drift)
        {
            // Lock first, recount in the next statement: its snapshot then includes every grant committed before.
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM products WHERE id = {product.ProductId} FOR UPDATE", ct);
            await db.Database.ExecuteSqlRawAsync($"UPDATE products p SET seats_used = ({Recount}) WHERE p.id = @product",
                [new Npgsql.NpgsqlParameter("product", product.ProductId)], ct);
        }
        return drift;
    }
}
