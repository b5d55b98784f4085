using Microsoft.EntityFrameworkCore;
using ScimServer.Persistence;

namespace ScimServer.Accounts;

/// <summary>Creates an account with its products, or brings an existing one to a spec.</summary>
public static class AccountSetup
{
    public static async Task<Account> CreateAsync(ScimDbContext db, AccountSpec spec, CancellationToken ct)
    {
        var account = new Account { Id = Guid.CreateVersion7(), Name = spec.Name, Created = DateTimeOffset.UtcNow };
        db.Accounts.Add(account);
        await ApplyAsync(db, account, spec, ct);
        return account;
    }

    public static async Task ApplyAsync(ScimDbContext db, Account account, AccountSpec spec, CancellationToken ct)
    {
        account.Tier = spec.Tier;
        account.EmailDomains = spec.Domains.Select(d => d.Trim().ToLowerInvariant()).Distinct().ToArray();
        account.ViewerAccess = spec.ViewerAccess;
        account.RestrictDomains = spec.RestrictDomains;
        account.RequireNames = spec.RequireNames;
        account.RequireEmail = spec.RequireEmail;
        account.SsoIdp = spec.SsoIdp;
        account.SsoStatus = spec.SsoStatus;
        account.CreditPool = spec.CreditPool;
        account.ContractStart = spec.ContractStart;
        account.ContractEnd = spec.ContractEnd;
        var existing = await db.Products.Where(p => p.AccountId == account.Id).ToListAsync(ct);
        Product? first = null;
        foreach (var (code, seats) in spec.Products)
        {
            var product = existing.FirstOrDefault(p => string.Equals(p.Code, code, StringComparison.OrdinalIgnoreCase));
            if (product is null)
            {
                product = new Product { Id = Guid.CreateVersion7(), AccountId = account.Id, Code = code, Name = char.ToUpperInvariant(code[0]) + code[1..] };
                db.Products.Add(product);
            }
            product.Seats = seats;
            first ??= product;
        }
        // The account row references its default product, so products are written first.
        await db.SaveChangesAsync(ct);
        account.DefaultProductId ??= first?.Id;
        await db.SaveChangesAsync(ct);
    }
}
