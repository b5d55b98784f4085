using Microsoft.EntityFrameworkCore;
using ScimServer.Audit;
using ScimServer.OperatorApi;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;

namespace ScimServer.Accounts;

/// <summary>
/// SSO configuration and the Require SSO toggle (rule 7's lockout guard), and the identity policy: which people
/// the IdPs may provision (rule 6). Account Admins manage both for their own account.
/// </summary>
public static class AccountSettingsEndpoints
{
    public sealed record SsoBody(IdentityProviderKind? Idp, SsoStatus? Status, bool? RequireSso);

    public sealed record IdentityPolicyBody(bool? RestrictDomains, bool? RequireNames, bool? RequireEmail);

    public static RouteGroupBuilder MapAccountSettings(this RouteGroupBuilder account)
    {
        account.MapGet("/sso", GetSso).WithName("GetSso");
        account.MapPut("/sso", PutSso).WithName("PutSso");
        account.MapGet("/identity-policy", GetIdentityPolicy).WithName("GetIdentityPolicy");
        account.MapPut("/identity-policy", PutIdentityPolicy).WithName("PutIdentityPolicy");
        return account;
    }

    internal static IResult GetIdentityPolicy(HttpContext context) => Results.Ok(PolicyView(AccountScopeFilter.Account(context)));

    /// <summary>Changes apply to each user the next time they are written; users already provisioned stay.</summary>
    internal static async Task<IResult> PutIdentityPolicy(Guid accountId, IdentityPolicyBody body, WriteUnit unit, ScimDbContext db, AuditTrail audit, CancellationToken ct) =>
        ApiProblem.Answer(await unit.RunAsync(async token =>
        {
            var account = await db.Accounts.SingleAsync(a => a.Id == accountId, token);
            var before = (account.RestrictDomains, account.RequireNames, account.RequireEmail);
            account.RestrictDomains = body.RestrictDomains ?? account.RestrictDomains;
            account.RequireNames = body.RequireNames ?? account.RequireNames;
            account.RequireEmail = body.RequireEmail ?? account.RequireEmail;
            await db.SaveChangesAsync(token);
            audit.About("Account", accountId, null);
            audit.Record(AuditDiff.Of(
                ("restrictDomains", before.RestrictDomains, account.RestrictDomains),
                ("requireNames", before.RequireNames, account.RequireNames),
                ("requireEmail", before.RequireEmail, account.RequireEmail)));
            return Result<object>.Ok(PolicyView(account));
        }, ct));

    private static object PolicyView(Account a) => new { restrictDomains = a.RestrictDomains, requireNames = a.RequireNames, requireEmail = a.RequireEmail, domains = a.EmailDomains };

    internal static IResult GetSso(HttpContext context) => Results.Ok(View(AccountScopeFilter.Account(context)));

    internal static async Task<IResult> PutSso(Guid accountId, SsoBody body, WriteUnit unit, ScimDbContext db, AuditTrail audit, CancellationToken ct)
    {
        var result = await ChangeSsoAsync(accountId, new SsoChange(body.Idp, body.Status, body.RequireSso), unit, db, audit, ct);
        return result.IsSuccess ? Results.Ok(View(result.Value)) : ApiProblem.From(result.Error);
    }

    /// <summary>Changes the SSO settings; switching Require SSO on is refused while an active Admin could not get in.</summary>
    public static Task<Result<Account>> ChangeSsoAsync(Guid accountId, SsoChange change, WriteUnit unit, ScimDbContext db, AuditTrail audit, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var before = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, token);
            audit.About("Account", accountId, null);
            var after = await SsoSettings.ApplyAsync(db, accountId, change, token);
            if (after.IsSuccess)
            {
                audit.Record(AuditDiff.Of(("ssoIdp", before.SsoIdp, after.Value.SsoIdp), ("ssoStatus", before.SsoStatus, after.Value.SsoStatus),
                    ("requireSso", before.RequireSso, after.Value.RequireSso)));
            }
            return after;
        }, ct);

    private static object View(Account a) => new { idp = a.SsoIdp, status = a.SsoStatus, requireSso = a.RequireSso };
}
