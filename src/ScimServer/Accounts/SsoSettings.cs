using ScimServer.Users;
using Microsoft.EntityFrameworkCore;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;

namespace ScimServer.Accounts;

/// <summary>What an operator asks to change in the SSO configuration; null leaves a setting as it is.</summary>
public sealed record SsoChange(IdentityProviderKind? Idp, SsoStatus? Status, bool? RequireSso);

/// <summary>
/// SSO configuration and the "Require SSO" toggle, with rule 7: the toggle cannot lock an Admin out. An active
/// Admin can sign in through the IdP when the IdP provisioned them (a SCIM connection of that IdP wrote them)
/// or they have signed in with SSO before.
/// </summary>
public static class SsoSettings
{
    private const int NamesShown = 5;

    public static async Task<Result<Account>> ApplyAsync(ScimDbContext db, Guid accountId, SsoChange change, CancellationToken ct)
    {
        // Row lock: a concurrent Admin change and this check see each other (UserPolicy locks the same row).
        var account = (await db.Accounts.FromSql($"SELECT * FROM accounts WHERE id = {accountId} FOR UPDATE").ToListAsync(ct)).SingleOrDefault();
        if (account is null)
        {
            return ScimError.NotFound($"Account '{accountId}' does not exist.");
        }
        var idp = change.Idp ?? account.SsoIdp;
        var status = change.Status ?? account.SsoStatus;
        var require = change.RequireSso ?? account.RequireSso;
        if (status == SsoStatus.Active && idp is null)
        {
            return ScimError.InvalidValue("SSO cannot be active without an identity provider; set idp (Okta, EntraId, OneLogin or Other).");
        }
        if (require && status != SsoStatus.Active)
        {
            return new ScimError(409, "ssoNotActive", account.RequireSso
                ? $"Require SSO is on, so SSO must stay active (it would become {status}); switch Require SSO off first."
                : $"Require SSO needs an active SSO configuration; this account's SSO is {status}. Activate SSO first.");
        }
        if (require && (!account.RequireSso || idp != account.SsoIdp))
        {
            var lockedOut = await AdminsWithoutSsoAsync(db, accountId, idp!.Value, ct);
            if (lockedOut.Count > 0)
            {
                var names = Names(lockedOut);
                return new ScimError(409, "adminLockout",
                    $"Require SSO cannot be switched on: {lockedOut.Count} active Admin(s) could not sign in through {idp}: {names}. " +
                    $"Assign them to this app in {idp} so it provisions them, or have each sign in with SSO once, then retry.");
            }
        }
        account.SsoIdp = idp;
        account.SsoStatus = status;
        account.RequireSso = require;
        await db.SaveChangesAsync(ct);
        return Result<Account>.Ok(account);
    }

    /// <summary>The first few locked-out Admins by name, and how many more: for the refusal and the console's warning.</summary>
    public static string Names(IReadOnlyList<string> lockedOut) =>
        string.Join(", ", lockedOut.Take(NamesShown)) + (lockedOut.Count > NamesShown ? $" and {lockedOut.Count - NamesShown} more" : "");

    /// <summary>The userNames of active Admins with no way in through <paramref name="idp"/>.</summary>
    public static Task<List<string>> AdminsWithoutSsoAsync(ScimDbContext db, Guid accountId, IdentityProviderKind idp, CancellationToken ct)
    {
        var viaIdp = db.ScimConnections.Where(c => c.AccountId == accountId && c.Idp == idp).Select(c => (Guid?)c.Id);
        return db.Users.Active(accountId)
            .Where(u => u.Role == UserRole.Admin)
            .Where(u => u.SsoSignInAt == null && (u.ConnectionId == null || !viaIdp.Contains(u.ConnectionId)))
            .OrderBy(u => u.UserName)
            .Select(u => u.UserName)
            .Take(1000)
            .ToListAsync(ct);
    }
}
