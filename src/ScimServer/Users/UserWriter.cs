using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.Credits;
using ScimServer.Groups;
using ScimServer.Operators;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;

namespace ScimServer.Users;

/// <summary>
/// The one place a user is written, whoever changes it (a SCIM connection, an operator, a CSV import): the account
/// rules run first, then credits follow the user, then the columns, the timestamps, the password hash and the audit
/// entry are set and the change is saved, in the caller's unit of work.
/// </summary>
/// <param name="connectionId">The SCIM connection writing the user (null for operators and imports).</param>
/// <param name="products">The account's products when already read (with the SCIM token).</param>
/// <param name="hasher">For the passwords SCIM writes may carry (operator changes and imports carry none).</param>
internal sealed class UserWriter(
    ScimDbContext db, Account account, AuditTrail audit, Guid? connectionId = null, IReadOnlyList<Product>? products = null, PasswordHasher? hasher = null)
{
    /// <summary>
    /// A new user (active unless the document says otherwise), or a deprovisioned one with the same userName coming
    /// back: the same person, so the record and its history are restored. A live user with that userName is a 409.
    /// </summary>
    public async Task<Result<(User User, bool Restored)>> CreateAsync(JsonObject document, CancellationToken ct)
    {
        var doc = (JsonObject)document.DeepClone();
        doc["active"] ??= true;
        var userName = doc["userName"]!.GetValue<string>();
        var existing = await db.Users.FirstOrDefaultAsync(u => u.AccountId == account.Id && u.UserName.ToLower() == userName.ToLower(), ct);
        if (existing is { DeletedAt: null })
        {
            // The refusal is about that user: "what did the IdP do to this user" finds it, and erasure reaches it.
            audit.About("User", existing.Id, existing.UserName);
            return ScimError.Uniqueness($"A user with userName '{existing.UserName}' already exists (id {existing.Id})." +
                (existing.Active ? "" : " It is inactive: reactivate it (PATCH active true) instead of creating it again."));
        }
        var user = existing ?? new User { Id = Guid.CreateVersion7(), AccountId = account.Id, UserName = userName, Data = "{}", Created = DateTimeOffset.UtcNow };
        if (existing is not null)
        {
            existing.PasswordHash = null; // A returning user has the password this request sends, or none.
        }
        var refused = await WriteAsync(user, existing is null ? null : UserState.Of(existing), doc, isNew: existing is null, ct);
        return refused is null ? Result<(User, bool)>.Ok((user, existing is not null)) : refused;
    }

    /// <summary>A changed document of a live user (PUT, PATCH, an operator's change); a password in it is hashed here.</summary>
    public Task<ScimError?> UpdateAsync(User user, JsonObject document, CancellationToken ct) =>
        WriteAsync(user, UserState.Of(user), (JsonObject)document.DeepClone(), isNew: false, ct);

    /// <summary>A user a CSV row describes: new (not yet tracked) or an existing one, by the same rules.</summary>
    public Task<ScimError?> ImportAsync(User user, bool isNew, JsonObject document, CancellationToken ct) =>
        WriteAsync(user, isNew ? null : UserState.Of(user), document, isNew, ct);

    /// <summary>
    /// Deprovisions the user: the record stays (out of every SCIM read, its seat and credits given back), its
    /// memberships go and each group's version moves.
    /// </summary>
    public async Task<ScimError?> DeleteAsync(User user, CancellationToken ct)
    {
        var doc = JsonNode.Parse(user.Data)!.AsObject();
        doc["active"] = false;
        var refused = await ApplyAsync(user, UserState.Of(user), doc, deleted: true, passwordChanged: false, ct);
        if (refused is not null)
        {
            return refused;
        }
        await MembershipWriter.LeaveAllGroupsAsync(db, user.Id, ct);
        user.DeletedAt = DateTimeOffset.UtcNow;
        user.LastModified = user.DeletedAt.Value;
        await db.SaveChangesAsync(ct);
        return null;
    }

    private async Task<ScimError?> WriteAsync(User user, UserState? before, JsonObject doc, bool isNew, CancellationToken ct)
    {
        // Hashed before any row is locked: the hash is slow on purpose.
        var passwordHash = doc["password"]?.GetValue<string>() is { } password
            ? (hasher ?? throw new InvalidOperationException("This writer was given no password hasher.")).Hash(password)
            : null;
        doc.Remove("password");
        if (isNew)
        {
            db.Users.Add(user); // Tracked first: the credit ledger rows the rules may add refer to it.
        }
        var refused = await ApplyAsync(user, before, doc, deleted: false, passwordHash is not null, ct);
        if (refused is not null)
        {
            if (isNew)
            {
                db.Entry(user).State = EntityState.Detached; // An import carries on with its next row.
            }
            return refused;
        }
        user.DeletedAt = null;
        user.LastModified = DateTimeOffset.UtcNow;
        if (isNew)
        {
            user.Created = user.LastModified; // A new user was created and last modified in the same instant.
        }
        user.PasswordHash = passwordHash ?? user.PasswordHash;
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>
    /// Applies the account rules to the user's new document (role, product, domain, seats, last Admin) and,
    /// when they allow it, stores the document and the columns derived from it. <paramref name="before"/> is
    /// null for a new user; a deleted user coming back is checked like a new one.
    /// </summary>
    private async Task<ScimError?> ApplyAsync(User user, UserState? before, JsonObject doc, bool deleted, bool passwordChanged, CancellationToken ct)
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
            .Live(user.AccountId).Where(u => u.Id != user.Id && u.Email!.ToLower() == lower)
            .Select(u => new { u.Id, u.UserName })
            .FirstOrDefaultAsync(ct);
        return other is null
            ? null
            : ScimError.Uniqueness($"The email '{email}' already belongs to user '{other.UserName}' (id {other.Id}); each person's email is unique in the account.");
    }
}
