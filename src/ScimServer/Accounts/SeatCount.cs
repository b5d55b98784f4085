using Microsoft.EntityFrameworkCore;
using ScimServer.Persistence;

namespace ScimServer.Accounts;

/// <summary>Seats purchased, used and left per product (a seat is taken by an active, non-Viewer user of the product).</summary>
public sealed record ProductSeats(Guid Id, string Code, string Name, int Purchased, int Used)
{
    public int Left => Math.Max(0, Purchased - Used);

    /// <summary>One grouped query over the seat-taking users (the partial index ix_users_seats).</summary>
    public static async Task<List<ProductSeats>> OfAccountAsync(ScimDbContext db, Guid accountId, CancellationToken ct)
    {
        var used = await db.Users
            .Where(u => u.AccountId == accountId && u.Active && u.DeletedAt == null && u.Role != UserRole.Viewer && u.ProductId != null)
            .GroupBy(u => u.ProductId!.Value)
            .Select(g => new { Product = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Product, g => g.Count, ct);
        var products = await db.Products.AsNoTracking().Where(p => p.AccountId == accountId).OrderBy(p => p.Code).ToListAsync(ct);
        return products.Select(p => new ProductSeats(p.Id, p.Code, p.Name, p.Seats, used.GetValueOrDefault(p.Id))).ToList();
    }
}
