using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.Persistence;

namespace ScimServer.OperatorApi;

/// <summary>SSO configuration and the Require SSO toggle (rule 7's lockout guard).</summary>
public static class AccountSettingsEndpoints
{
    public sealed record SsoBody(IdentityProviderKind? Idp, SsoStatus? Status, bool? RequireSso);

    public static RouteGroupBuilder MapAccountSettings(this RouteGroupBuilder account)
    {
        account.MapGet("/sso", GetSso).WithName("GetSso");
        account.MapPut("/sso", PutSso).WithName("PutSso");
        return account;
    }

    internal static IResult GetSso(HttpContext context) => Results.Ok(View(AccountScopeFilter.Account(context)));

    internal static async Task<IResult> PutSso(Guid accountId, SsoBody body, WriteUnit unit, ScimDbContext db, AuditTrail audit, CancellationToken ct)
    {
        var result = await unit.RunAsync(async token =>
        {
            var before = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, token);
            audit.About("Account", accountId, null);
            var after = await SsoSettings.ApplyAsync(db, accountId, new SsoChange(body.Idp, body.Status, body.RequireSso), token);
            if (after.IsSuccess)
            {
                audit.Record(AuditDiff.Of(("ssoIdp", before.SsoIdp, after.Value.SsoIdp), ("ssoStatus", before.SsoStatus, after.Value.SsoStatus),
                    ("requireSso", before.RequireSso, after.Value.RequireSso)));
            }
            return after;
        }, ct);
        return result.IsSuccess ? Results.Ok(View(result.Value)) : ApiProblem.From(result.Error);
    }

    private static object View(Account a) => new { idp = a.SsoIdp, status = a.SsoStatus, requireSso = a.RequireSso };
}
