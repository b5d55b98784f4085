using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.Credits;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;

namespace ScimServer.Users;

/// <summary>
/// The one place a user's document is stored, whoever changes it (a SCIM connection, an operator, a CSV import):
/// the account rules run first, then credits follow the user, then the columns and the audit entry are written.
/// </summary>
/// <param name="connectionId">The SCIM connection writing the user (null for operators and imports).</param>
/// <param name="products">The account's products when already read (with the SCIM token).</param>
internal sealed class UserWriter(ScimDbContext db, Account account, AuditTrail audit, Guid? connectionId, IReadOnlyList<Product>? products = null)
{
    /// <summary>
    /// Applies the account rules to the user's new document (role, product, domain, seats, last Admin) and,
    /// when they allow it, stores the document and the columns derived from it. <paramref name="before"/> is
    /// null for a new user; a deleted user coming back is checked like a new one.
    /// </summary>
    public async Task<ScimError?> StoreAsync(User user, UserState? before, JsonObject doc, bool deleted, bool passwordChanged, CancellationToken ct)
    {
        audit.About("User", user.Id, doc["userName"]?.GetValue<string>() ?? user.UserName);
        var previous = before is null ? null : JsonNode.Parse(user.Data)!.AsObject();
        var policy = new UserPolicy(db, account, products);
        var assignment = await policy.AssignAsync(doc, before is { Deleted: false } ? before : null, ct);
        if (!assignment.IsSuccess)
        {
            return assignment.Error;
        }
        var (role, product, limit, person) = assignment.Value;
        if (account.RequireEmail && await EmailTakenAsync(user, person.Email!, ct) is { } clash)
        {
            return clash;
        }
        var active = doc["active"]?.GetValueKind() != System.Text.Json.JsonValueKind.False;
        var after = new UserState(doc["userName"]!.GetValue<string>(), active, deleted, role, product?.Id, person.Email);
        var refused = await policy.CheckAsync(user.Id, before, after, ct);
        if (refused is not null)
        {
            return refused;
        }
        // Rule 3 and 8: the user's own credit allocation follows them in and out of the active set.
        var liveBefore = before is { Active: true, Deleted: false };
        var liveAfter = active && !deleted;
        var credits = await new CreditBook(db).RebalanceAsync(
            user.AccountId, user.Id, user.CreditsUsed, (liveBefore, liveBefore ? user.CreditLimit : null), (liveAfter, limit), ct);
        if (!credits.IsSuccess)
        {
            return credits.Error;
        }
        // Nothing refuses the write from here on: a seat it gives back is counted now, in its transaction.
        await policy.FreeSeatAsync(before, after, ct);
        UserResource.SetCreditLimit(doc, credits.Value);
        UserResource.Store(user, doc);
        var changes = AuditDiff.Between(previous, doc) ?? [];
        if (passwordChanged)
        {
            changes["password"] = new JsonObject { ["before"] = null, ["after"] = AuditDiff.Redacted };
        }
        if (person.NamesFrom is { } from && (person.GivenName != user.GivenName || person.FamilyName != user.FamilyName))
        {
            // The IdP sent no (complete) name; the account model's names were derived and the entry says from what.
            changes["derivedName"] = new JsonObject
            {
                ["before"] = user.GivenName is null ? null : $"{user.GivenName} {user.FamilyName}",
                ["after"] = $"{person.GivenName} {person.FamilyName}",
                ["from"] = from,
            };
        }
        audit.Record(changes);
        (user.Email, user.GivenName, user.FamilyName) = (person.Email, person.GivenName, person.FamilyName);
        user.Role = role;
        user.ProductId = product?.Id;
        user.CreditLimit = credits.Value;
        // Whatever IdP writes a user has them assigned: that is their way in when SSO is required (rule 7).
        user.ConnectionId ??= connectionId;
        if (liveAfter && !liveBefore && user.LastLogin is null)
        {
            user.InvitedAt = DateTimeOffset.UtcNow; // A new or returning user who never signed in gets a fresh invitation.
        }
        return null;
    }

    /// <summary>
    /// With the policy requireEmail, each person's email is unique among the account's live users, whichever
    /// attribute it came from: a userName that is another user's email is the same clash as two users with one
    /// work address. The advisory lock makes two concurrent writes of one email queue, so the second sees the first.
    /// </summary>
    private async Task<ScimError?> EmailTakenAsync(User user, string email, CancellationToken ct)
    {
        if (string.Equals(user.Email, email, StringComparison.OrdinalIgnoreCase) && user.DeletedAt is null)
        {
            return null;
        }
        var lower = email.ToLowerInvariant();
        await NameLock.TakeAsync(db, "user-email", user.AccountId, email, ct);
        var other = await db.Users.AsNoTracking()
            .Where(u => u.AccountId == user.AccountId && u.Id != user.Id && u.DeletedAt == null && u.Email!.ToLower() == lower)
            .Select(u => new { u.Id, u.UserName })
            .FirstOrDefaultAsync(ct);
        return other is null
            ? null
            : ScimError.Uniqueness($"The email '{email}' already belongs to user '{other.UserName}' (id {other.Id}); each person's email is unique in the account.");
    }
}
