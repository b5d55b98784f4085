using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.Groups;
using ScimServer.OperatorApi;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Users;

/// <summary>
/// Users for operators: search and page, view, activate, deactivate, change product, and erase a deprovisioned
/// user. Changes go through <see cref="UserWriter"/>, the same rules a SCIM write meets (seats, last Admin).
/// </summary>
public static class UserAdminEndpoints
{
    public sealed record ProductBody(string Product);

    public sealed record RoleBody(UserRole Role);

    public static RouteGroupBuilder MapUserAdmin(this RouteGroupBuilder account)
    {
        account.MapGet("/users", SearchUsers).WithName("ListAccountUsers");
        account.MapGet("/users/{userId:guid}", GetUser).WithName("GetUserDetails");
        account.MapPost("/users/{userId:guid}/activate", async (Guid accountId, Guid userId, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
            ApiProblem.Answer(await SetActiveAsync(accountId, userId, true, db, unit, audit, ct))).WithName("ActivateUser");
        account.MapPost("/users/{userId:guid}/deactivate", async (Guid accountId, Guid userId, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
            ApiProblem.Answer(await SetActiveAsync(accountId, userId, false, db, unit, audit, ct))).WithName("DeactivateUser");
        account.MapPut("/users/{userId:guid}/product", async (Guid accountId, Guid userId, ProductBody body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
            ApiProblem.Answer(await ChangeProductAsync(accountId, userId, body.Product, db, unit, audit, ct))).WithName("ChangeUserProduct");
        account.MapPut("/users/{userId:guid}/role", async (Guid accountId, Guid userId, RoleBody body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
            ApiProblem.Answer(await ChangeRoleAsync(accountId, userId, body.Role, db, unit, audit, ct))).WithName("ChangeUserRole");
        account.MapPost("/users/{userId:guid}/erase", async (Guid accountId, Guid userId, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
            ApiProblem.Answer(await EraseAsync(accountId, userId, db, unit, audit, ct))).WithName("EraseUser");
        return account;
    }

    internal static async Task<IResult> SearchUsers(
        Guid accountId, string? search, UserStatus? status, string? product, UserRole? role, int? page, int? pageSize, ScimDbContext db, CancellationToken ct)
    {
        var paging = ApiPage.Of(page, pageSize);
        var users = db.Users.AsNoTracking().Where(u => u.AccountId == accountId);
        var now = DateTimeOffset.UtcNow;
        users = status switch
        {
            UserStatus.Deprovisioned => users.Where(u => u.DeletedAt != null),
            UserStatus.Deactivated => users.Live().Where(u => !u.Active),
            UserStatus.Invited => users.Live().Where(u => u.Active && u.LastLogin == null),
            UserStatus.Active => users.Live().Where(u => u.Active && u.LastLogin != null),
            _ => users.Live(),
        };
        if (!string.IsNullOrWhiteSpace(search))
        {
            // lower(user_name) LIKE '%…%' is answered by the trigram index.
            var term = search.Trim().ToLowerInvariant();
            users = users.Where(u => u.UserName.ToLower().Contains(term) || (u.DisplayName != null && u.DisplayName.ToLower().Contains(term)));
        }
        if (role is { } r)
        {
            users = users.Where(u => u.Role == r);
        }
        if (!string.IsNullOrWhiteSpace(product))
        {
            var code = product.Trim().ToLowerInvariant();
            users = users.Where(u => db.Products.Any(p => p.Id == u.ProductId && p.Code.ToLower() == code));
        }
        var total = await users.CountAsync(ct);
        var items = await users.OrderBy(u => u.UserName.ToLower()).Skip(paging.Skip).Take(paging.Size).ToListAsync(ct);
        var products = await db.Products.AsNoTracking().Where(p => p.AccountId == accountId).ToDictionaryAsync(p => p.Id, p => p.Code, ct);
        return Results.Ok(new { total, page = paging.Number, pageSize = paging.Size, users = items.Select(u => Summary(u, products, now)) });
    }

    internal static async Task<IResult> GetUser(Guid accountId, Guid userId, ScimDbContext db, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && u.AccountId == accountId, ct);
        if (user is null)
        {
            return ApiProblem.NotFound($"User '{userId}'");
        }
        return Results.Ok(await DetailsAsync(db, user, ct));
    }

    /// <summary>Activates or deactivates a user as an operator (the API and the console): the seat and last-Admin rules apply.</summary>
    public static Task<Result<object>> SetActiveAsync(Guid accountId, Guid userId, bool active, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        ChangeAsync(accountId, userId, db, unit, audit, doc => doc["active"] = active, ct);

    /// <summary>Moves the user to another product's seat (refused when that product has none free).</summary>
    public static Task<Result<object>> ChangeProductAsync(Guid accountId, Guid userId, string product, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        ChangeAsync(accountId, userId, db, unit, audit, doc => Extension(doc)["product"] = product, ct);

    /// <summary>Gives the user another role (Viewers take no seat where the contract has Viewer access; the last Admin stays).</summary>
    public static Task<Result<object>> ChangeRoleAsync(Guid accountId, Guid userId, UserRole role, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        ChangeAsync(accountId, userId, db, unit, audit, doc => Extension(doc)["role"] = role.ToString(), ct);

    private static Task<Result<object>> ChangeAsync(
        Guid accountId, Guid userId, ScimDbContext db, WriteUnit unit, AuditTrail audit, Action<JsonObject> change, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, token);
            var user = await db.Users.Live(accountId, userId).FirstOrDefaultAsync(token);
            if (user is null)
            {
                return UserLookup.NotFound(userId);
            }
            var doc = JsonNode.Parse(user.Data)!.AsObject();
            change(doc);
            if (await new UserWriter(db, account, audit).UpdateAsync(user, doc, token) is { } refused)
            {
                return refused;
            }
            return Result<object>.Ok(await DetailsAsync(db, user, token));
        }, ct);

    /// <summary>
    /// Removes a deprovisioned user's personal data everywhere: the user row goes (the credit ledger keeps the
    /// amounts without the name) and every audit entry about them loses its personal columns. The audit chain
    /// covers only a digest of those, so it still verifies; the erasure itself is recorded, without the name.
    /// </summary>
    public static Task<Result<object>> EraseAsync(Guid accountId, Guid userId, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            audit.About("User", userId, null);
            var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId && u.AccountId == accountId, token);
            if (user is null)
            {
                return UserLookup.NotFound(userId);
            }
            if (user.DeletedAt is null)
            {
                return new ScimError(409, "notDeprovisioned",
                    $"User '{userId}' is {UserLifecycle.StatusName(user)}; only a deprovisioned user (deleted by the IdP) can be erased.");
            }
            // Every entry that names the person: about them (id or name), or quoting their userName or email in a
            // refusal's detail or a change (details quote names as 'x', changes are JSON strings "x").
            string[] names = [.. new[] { user.UserName, user.Email }.OfType<string>().Select(n => n.ToLowerInvariant()).Distinct()];
            var quoted = names.Select(n => $"'{n}'").ToArray();
            var json = names.Select(n => System.Text.Json.JsonSerializer.Serialize(n)).ToArray();
            var entries = await db.Database.ExecuteSqlAsync($"""
                UPDATE audit_log SET target_name = NULL, detail = NULL, changes = NULL, personal_salt = NULL, erased_at = now()
                WHERE account_id = {accountId} AND erased_at IS NULL
                  AND (target_id = {userId.ToString()} OR lower(target_name) = ANY({names})
                       OR EXISTS (SELECT 1 FROM unnest({quoted}) q WHERE strpos(lower(detail), q) > 0)
                       OR EXISTS (SELECT 1 FROM unnest({json}) j WHERE strpos(lower(changes::text), j) > 0))
                """, token);
            db.Users.Remove(user);
            await db.SaveChangesAsync(token);
            audit.Record(AuditDiff.Of(("auditEntriesErased", null, entries), ("userRecord", "deprovisioned", "deleted")));
            return Result<object>.Ok(new { userId, erasedAuditEntries = entries, userRecord = "deleted" });
        }, ct);

    internal static JsonObject Extension(JsonObject doc) =>
        doc[AccountExtension.Urn] as JsonObject ?? (JsonObject)(doc[AccountExtension.Urn] = new JsonObject());

    private static object Summary(User u, IReadOnlyDictionary<Guid, string> products, DateTimeOffset now) => new
    {
        id = u.Id,
        userName = u.UserName,
        email = u.Email,
        givenName = u.GivenName,
        familyName = u.FamilyName,
        displayName = u.DisplayName,
        status = UserLifecycle.StatusName(u),
        role = u.Role.ToString(),
        product = u.ProductId is { } p ? products.GetValueOrDefault(p) : null,
        creditsUsed = u.CreditsUsed,
        creditLimit = u.CreditLimit,
        lastLogin = u.LastLogin,
        daysSinceSignIn = u.LastLogin is { } l ? (int)(now - l).TotalDays : (int?)null,
    };

    private static async Task<object> DetailsAsync(ScimDbContext db, User user, CancellationToken ct)
    {
        var product = user.ProductId is { } p ? await db.Products.AsNoTracking().Where(x => x.Id == p).Select(x => x.Code).FirstOrDefaultAsync(ct) : null;
        var teams = (await MembershipReader.GroupsOfUsersAsync(db, [user.Id], ct))[user.Id].Select(g => new { id = g.GroupId, name = g.DisplayName });
        return new
        {
            id = user.Id,
            userName = user.UserName,
            email = user.Email,
            givenName = user.GivenName,
            familyName = user.FamilyName,
            status = UserLifecycle.StatusName(user),
            role = user.Role.ToString(),
            product,
            creditLimit = user.CreditLimit,
            creditsUsed = user.CreditsUsed,
            lastLogin = user.LastLogin,
            invitationExpires = UserLifecycle.InvitationExpires(user),
            source = user.Source,
            connectionId = user.ConnectionId,
            created = user.Created,
            lastModified = user.LastModified,
            deprovisionedAt = user.DeletedAt,
            teams,
        };
    }
}
