using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Schemas;
using ScimServer.Users;

namespace ScimServer.Accounts;

/// <summary>
/// The account model's rules for a user write (docs/account-model.md): an email (in a verified domain where the
/// account asks for it), first and last name, role and product
/// from our extension, Viewer access, seats per product, and the last active Admin. Runs inside the write's
/// transaction; seat and Admin checks lock the product or account row first, so concurrent writes on any number
/// of server processes are counted exactly.
/// </summary>
/// <param name="products">The account's products when already read (with the SCIM token); read here otherwise.</param>
internal sealed class UserPolicy(ScimDbContext db, Account account, IReadOnlyList<Product>? products = null)
{
    /// <summary>The role and product a document asks for, and the person it describes, with defaults filled into the document.</summary>
    public sealed record Assignment(UserRole Role, Product? Product, long? CreditLimit, Person Person);

    /// <summary>Reads the person, role, product and credit limit, checks them, and writes canonical values back.</summary>
    public async Task<Result<Assignment>> AssignAsync(JsonObject document, UserState? current, CancellationToken ct)
    {
        var userName = document["userName"]!.GetValue<string>();
        var person = Person.Of(document, derive: !account.RequireNames);
        if (person.Email is null && (account.RequireEmail || account.RestrictDomains))
        {
            return ScimError.InvalidValue(
                $"'{userName}' has no email address: userName is not an address and emails holds none. " +
                "Map the user's email to userName or to emails (type work) in the IdP.");
        }
        if (account.RestrictDomains && person.Email is not null && (current is null || !string.Equals(current.Email, person.Email, StringComparison.OrdinalIgnoreCase))
            && !account.EmailDomains.Contains(Person.DomainOf(person.Email), StringComparer.OrdinalIgnoreCase))
        {
            return ScimError.InvalidValue(person.Email == userName
                ? $"userName '{userName}' must be an email address in a verified domain of this account ({Domains()})."
                : $"The email '{person.Email}' of '{userName}' must be an address in a verified domain of this account ({Domains()}).");
        }
        if (person.GivenName is null || person.FamilyName is null)
        {
            return ScimError.InvalidValue(
                $"'{userName}' needs name.givenName and name.familyName: every user of the account has a first and a last name. Map them in the IdP.");
        }
        var extension = document[AccountExtension.Urn] as JsonObject ?? [];
        var role = current?.Role ?? UserRole.User;
        if (Text(extension["role"]) is { } roleText && !Enum.TryParse(roleText, ignoreCase: true, out role))
        {
            return ScimError.InvalidValue($"{AccountExtension.Urn}:role is '{roleText}'; use Admin, User or Viewer.");
        }
        // With role mappings configured, the IdP's roles decide the role (and the product, when one is mapped).
        var mapped = IdpRoleMapping.Resolve(IdpRoleMapping.Parse(account.IdpRoleMappings), document["roles"]);
        role = mapped?.Role ?? role;
        products ??= await db.Products.AsNoTracking().Where(p => p.AccountId == account.Id).ToListAsync(ct);
        Product? product;
        if ((mapped?.Product ?? Text(extension["product"])) is { } code)
        {
            product = products.FirstOrDefault(p => string.Equals(p.Code, code, StringComparison.OrdinalIgnoreCase));
            if (product is null)
            {
                return ScimError.InvalidValue($"{AccountExtension.Urn}:product is '{code}', which this account has not bought; use one of: {Codes(products)}.");
            }
        }
        else
        {
            product = products.FirstOrDefault(p => p.Id == (current?.ProductId ?? account.DefaultProductId))
                      ?? (products.Count == 1 ? products[0] : null);
        }
        if (product is null && !(role == UserRole.Viewer && account.ViewerAccess))
        {
            return ScimError.InvalidValue(
                $"No product given and this account has no default product; send {AccountExtension.Urn}:product, one of: {Codes(products)}.");
        }
        var limit = extension["creditLimit"]?.GetValue<long>();
        if (limit < 0)
        {
            return ScimError.InvalidValue($"{AccountExtension.Urn}:creditLimit cannot be negative.");
        }
        extension["role"] = role.ToString();
        if (product is not null)
        {
            extension["product"] = product.Code;
        }
        foreach (var computed in AccountExtension.ReadOnlyNames)
        {
            extension.Remove(computed);
        }
        document[AccountExtension.Urn] = extension;
        return Result<Assignment>.Ok(new Assignment(role, product, limit, person));
    }

    /// <summary>Checks a change of state: Viewer access, a free seat when one is newly taken, and the last Admin.</summary>
    public async Task<ScimError?> CheckAsync(Guid userId, UserState? before, UserState after, CancellationToken ct)
    {
        var live = after.Active && !after.Deleted;
        if (live && after.Role == UserRole.Viewer && !account.ViewerAccess)
        {
            return Forbidden("Viewer access is not part of this account's contract; give the user the User role, or add Viewer access to the contract.");
        }
        if (SeatRule.Change(before, after).Take is { } taken)
        {
            var seatError = await TakeSeatAsync(taken, ct);
            if (seatError is not null)
            {
                return seatError;
            }
        }
        if (before is { IsActiveAdmin: true } && !after.IsActiveAdmin)
        {
            // Lock the account row so two concurrent demotions cannot both see "another Admin exists".
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM accounts WHERE id = {account.Id} FOR UPDATE", ct);
            var otherAdmins = await db.Users.Active(account.Id).CountAsync(u => u.Id != userId && u.Role == UserRole.Admin, ct);
            if (otherAdmins == 0)
            {
                var change = after.Deleted ? "deprovisioned" : !after.Active ? "deactivated" : "demoted";
                return Forbidden($"'{before.UserName}' is the last active Admin of this account and cannot be {change}; make another user Admin first.");
            }
        }
        return null;
    }

    /// <summary>
    /// Gives back the seat the user held when the write frees it or moves it to another product (the new one was
    /// taken by <see cref="CheckAsync"/>). Called last, once nothing can refuse the write any more, in its transaction.
    /// </summary>
    public async Task FreeSeatAsync(UserState? before, UserState after, CancellationToken ct)
    {
        if (SeatRule.Change(before, after).Free is { } freed)
        {
            await db.Database.ExecuteSqlAsync($"UPDATE products SET seats_used = seats_used - 1 WHERE id = {freed}", ct);
        }
    }

    /// <summary>
    /// Takes a seat of the product if one is free, in one statement: its row lock serialises seat grants for the
    /// product across transactions and processes, and the counter under it includes every grant committed before.
    /// One row, whatever the number of users. A write refused after this (credits, the last Admin) rolls back its
    /// whole transaction, the seat with it; a caller that keeps a transaction across refusals must use a savepoint.
    /// </summary>
    private async Task<ScimError?> TakeSeatAsync(Guid productId, CancellationToken ct)
    {
        if (await db.Database.ExecuteSqlAsync($"UPDATE products SET seats_used = seats_used + 1 WHERE id = {productId} AND seats_used < seats", ct) == 1)
        {
            Hosting.ScimMetrics.SeatGranted();
            return null;
        }
        Hosting.ScimMetrics.SeatRefused();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Id == productId, ct);
        return Forbidden($"No free seat on product '{product.Name}' ({product.Code}): {product.SeatsUsed} of {product.Seats} seats in use. " +
                         "Deactivate a user of this product or add seats to the contract, then retry.");
    }

    private string Domains() => account.EmailDomains.Length == 0 ? "none verified yet" : string.Join(", ", account.EmailDomains);

    private static string Codes(IEnumerable<Product> products) => string.Join(", ", products.Select(p => p.Code).DefaultIfEmpty("none"));

    private static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;

    private static ScimError Forbidden(string detail) => new(403, null, detail);
}
