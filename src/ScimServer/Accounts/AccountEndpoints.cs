using ScimServer.Users;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using ScimServer.Audit;
using ScimServer.OperatorApi;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;

namespace ScimServer.Accounts;

/// <summary>
/// Accounts: the contract (tier, verified domains, products and seats, credit pool, dates, Viewer access).
/// Staff create and change accounts; an account Admin reads their own (the contract is the provider's to sell).
/// </summary>
public static partial class AccountEndpoints
{
    public sealed record ProductBody(string Code, int Seats, string? Name = null);

    public sealed record AccountBody(
        string? Name, AccountTier? Tier, string[]? Domains, ProductBody[]? Products, long? CreditPool,
        DateOnly? ContractStart, DateOnly? ContractEnd, bool? ViewerAccess, string? DefaultProduct);

    public static void MapAccounts(this RouteGroupBuilder api, RouteGroupBuilder account)
    {
        api.MapGet("/accounts", ListAccounts).WithName("ListAccounts");
        api.MapPost("/accounts", CreateAccount).WithName("CreateAccount").AddEndpointFilter(StaffOnly);
        account.MapGet("/", GetAccount).WithName("GetAccount");
        account.MapPatch("/", UpdateAccount).WithName("UpdateAccount").AddEndpointFilter(StaffOnly);
        account.MapGet("/seats/verify", VerifySeats).WithName("VerifySeats");
        account.MapPost("/seats/repair", RepairSeats).WithName("RepairSeats").AddEndpointFilter(StaffOnly);
    }

    /// <summary>Recounts every product's seats from the users and reports any counter that disagrees.</summary>
    internal static async Task<IResult> VerifySeats(Guid accountId, ScimDbContext db, CancellationToken ct)
    {
        var drift = await SeatAudit.DriftAsync(db, accountId, ct);
        return Results.Ok(new { intact = drift.Count == 0, drift = drift.Select(d => new { product = d.Code, recorded = d.Recorded, counted = d.Counted }) });
    }

    /// <summary>Sets drifted counters to their recount (staff only; audited with the figures).</summary>
    internal static async Task<IResult> RepairSeats(Guid accountId, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        ApiProblem.Answer(await unit.RunAsync(async token =>
        {
            var repaired = await SeatAudit.RepairAsync(db, accountId, token);
            audit.About("Account", accountId, null);
            audit.Record(AuditDiff.Of(repaired.Select(d => ($"seatsUsed:{d.Code}", (object?)d.Recorded, (object?)d.Counted)).ToArray()));
            return Result<object>.Ok(new { repaired = repaired.Select(d => new { product = d.Code, recorded = d.Recorded, counted = d.Counted }) });
        }, ct));

    /// <summary>Refuses account Admins: the contract is changed by provider staff.</summary>
    public static async ValueTask<object?> StaffOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.User.IsStaff()
            ? await next(context)
            : ApiProblem.Result(403, "staffOnly", "Only provider staff change contracts (tier, seats, credits, dates); ask your account team.");

    internal static async Task<IResult> ListAccounts(HttpContext context, ScimDbContext db, CancellationToken ct)
    {
        var own = context.User.OperatorAccount();
        var accounts = await db.Accounts.AsNoTracking()
            .Where(a => own == null || a.Id == own)
            .OrderBy(a => a.Name)
            .Select(a => new { a.Id, a.Name, a.Tier, a.SsoStatus, a.Created })
            .ToListAsync(ct);
        return Results.Ok(accounts);
    }

    internal static async Task<IResult> GetAccount(HttpContext context, ScimDbContext db, CancellationToken ct) =>
        Results.Ok(await ViewAsync(db, AccountScopeFilter.Account(context), ct));

    internal static async Task<IResult> CreateAccount(AccountBody body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Name))
        {
            return ApiProblem.Result(400, "invalid", "An account needs a name.");
        }
        var result = await unit.RunAsync(async token =>
        {
            var spec = new AccountSpec(body.Name.Trim(), body.Tier ?? AccountTier.Professional, [], []);
            var account = await AccountSetup.CreateAsync(db, spec, token);
            audit.AccountId = account.Id;
            return await ApplyAsync(db, audit, account, body, token);
        }, ct, StatusCodes.Status201Created);
        return result.IsSuccess ? Results.Created($"/api/accounts/{result.Value.Id}", result.Value) : ApiProblem.From(result.Error);
    }

    internal static async Task<IResult> UpdateAccount(Guid accountId, AccountBody body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        ApiProblem.Answer(await unit.RunAsync(async token =>
        {
            // Locked like a seat grant (products) and an Admin change (account), so a contract change and SCIM writes serialise.
            var account = (await db.Accounts.FromSql($"SELECT * FROM accounts WHERE id = {accountId} FOR UPDATE").ToListAsync(token)).Single();
            return await ApplyAsync(db, audit, account, body, token);
        }, ct));

    private static async Task<Result<AccountView>> ApplyAsync(ScimDbContext db, AuditTrail audit, Account account, AccountBody body, CancellationToken ct)
    {
        var before = await ViewAsync(db, account, ct);
        if (body.Domains is { } domains && domains.FirstOrDefault(d => !DomainPattern().IsMatch(d.Trim())) is { } bad)
        {
            return ScimError.InvalidValue($"'{bad}' is not a domain name (like example.com).");
        }
        if (body.CreditPool < 0)
        {
            return ScimError.InvalidValue("creditPool cannot be negative.");
        }
        var start = body.ContractStart ?? account.ContractStart;
        var end = body.ContractEnd ?? account.ContractEnd;
        if (start is not null && end is not null && end <= start)
        {
            return ScimError.InvalidValue($"contractEnd ({end:yyyy-MM-dd}) must be after contractStart ({start:yyyy-MM-dd}).");
        }
        account.Name = body.Name?.Trim() is { Length: > 0 } name ? name : account.Name;
        account.Tier = body.Tier ?? account.Tier;
        account.EmailDomains = body.Domains?.Select(d => d.Trim().ToLowerInvariant()).Distinct().ToArray() ?? account.EmailDomains;
        if (body.CreditPool is { } pool && pool < account.CreditsUsed + account.CreditsReserved)
        {
            return Credits.CreditBook.PoolTooSmall(pool, account.CreditsUsed, account.CreditsReserved);
        }
        account.CreditPool = body.CreditPool ?? account.CreditPool;
        account.ViewerAccess = body.ViewerAccess ?? account.ViewerAccess;
        (account.ContractStart, account.ContractEnd) = (start, end);
        if (body.ViewerAccess == false && before.ViewerAccess && await db.Users.Active(account.Id).AnyAsync(u => u.Role == UserRole.Viewer, ct))
        {
            return new ScimError(409, "viewersActive", "Active Viewers would lose their access; change them to User or deactivate them before removing Viewer access.");
        }
        Product? firstListed = null;
        foreach (var item in body.Products ?? [])
        {
            if (string.IsNullOrWhiteSpace(item.Code) || item.Seats < 0)
            {
                return ScimError.InvalidValue("Each product needs a code and a number of seats of 0 or more.");
            }
            var code = item.Code.Trim().ToLowerInvariant();
            var product = await db.Products.FromSql($"SELECT * FROM products WHERE account_id = {account.Id} AND lower(code) = {code} FOR UPDATE").SingleOrDefaultAsync(ct);
            if (product is null)
            {
                product = new Product { Id = Guid.CreateVersion7(), AccountId = account.Id, Code = code, Name = item.Name ?? char.ToUpperInvariant(code[0]) + code[1..] };
                db.Products.Add(product);
            }
            else if (item.Seats < product.SeatsUsed)
            {
                // The counter of the locked row: no grant can slip in between this check and the commit.
                return new ScimError(409, "seatsInUse", $"Product '{code}' has {product.SeatsUsed} seats in use; it cannot drop to {item.Seats}. Deactivate users or move them to another product first.");
            }
            product.Seats = item.Seats;
            product.Name = item.Name ?? product.Name;
            firstListed ??= product;
        }
        await db.SaveChangesAsync(ct);
        if (body.DefaultProduct is { } defaultCode)
        {
            var product = await db.Products.SingleOrDefaultAsync(p => p.AccountId == account.Id && p.Code == defaultCode.ToLower(), ct);
            if (product is null)
            {
                return ScimError.InvalidValue($"defaultProduct '{defaultCode}' is not a product of this account.");
            }
            account.DefaultProductId = product.Id;
        }
        // One rule everywhere (API, CLI, demo): without defaultProduct, the first product listed is the default.
        account.DefaultProductId ??= firstListed?.Id;
        await db.SaveChangesAsync(ct);
        var after = await ViewAsync(db, account, ct);
        audit.About("Account", account.Id, null);
        audit.Record(AuditDiff.Between(Json(before), Json(after)));
        return Result<AccountView>.Ok(after);
    }

    private static System.Text.Json.Nodes.JsonObject Json(AccountView view) =>
        System.Text.Json.JsonSerializer.SerializeToNode(view, System.Text.Json.JsonSerializerOptions.Web)!.AsObject();

    public sealed record AccountView(
        Guid Id, string Name, string Tier, string[] Domains, bool ViewerAccess, long CreditPool, DateOnly? ContractStart, DateOnly? ContractEnd,
        string? SsoIdp, string SsoStatus, bool RequireSso, string? DefaultProduct, List<ProductSeats> Products, bool RestrictDomains, bool RequireNames);

    private static async Task<AccountView> ViewAsync(ScimDbContext db, Account a, CancellationToken ct)
    {
        var products = await ProductSeats.OfAccountAsync(db, a.Id, ct);
        return new AccountView(a.Id, a.Name, a.Tier.ToString(), a.EmailDomains, a.ViewerAccess, a.CreditPool, a.ContractStart, a.ContractEnd,
            a.SsoIdp?.ToString(), a.SsoStatus.ToString(), a.RequireSso, products.FirstOrDefault(p => p.Id == a.DefaultProductId)?.Code, products,
            a.RestrictDomains, a.RequireNames);
    }

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", RegexOptions.IgnoreCase)]
    private static partial Regex DomainPattern();
}
