using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.Credits;
using ScimServer.Groups;
using ScimServer.Operators;
using ScimServer.Persistence;
using ScimServer.Tokens;
using ScimServer.Users;

namespace ScimServer.OperatorApi;

/// <summary>The operator API under <c>/api</c>: JSON, problem-details errors, an operator JWT on every call.</summary>
public static class OperatorEndpoints
{
    public static void MapOperatorApi(this WebApplication app)
    {
        app.MapSignIn();
        var api = app.MapGroup("/api").RequireAuthorization(OperatorAuth.Policy).RequireRateLimiting(Hosting.RateLimits.Operator).WithTags("Operator API");
        var account = api.MapGroup("/accounts/{accountId:guid}").AddEndpointFilter<AccountScopeFilter>();
        api.MapAccounts(account);
        account.MapAccountSettings();
        account.MapTokens();
        account.MapIdpSettings();
        account.MapUserAdmin();
        account.MapUserCsv();
        account.MapTeams();
        account.MapDashboard();
        account.MapCredits();
        account.MapUserLifecycle();
        account.MapAccountAudit();
        api.MapServerAudit();
    }
}

/// <summary>An account Admin reaches only their own account; any other account id answers 404, as if it did not exist.</summary>
public sealed class AccountScopeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var accountId = Guid.Parse((string)http.GetRouteValue("accountId")!);
        var db = http.RequestServices.GetRequiredService<ScimDbContext>();
        if (!Admits(http, accountId))
        {
            return ApiProblem.NotFound($"Account '{accountId}'");
        }
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, http.RequestAborted);
        if (account is null)
        {
            return ApiProblem.NotFound($"Account '{accountId}'");
        }
        http.Items[AccountItem] = account; // Read endpoints answer from it instead of reading it again.
        return await next(context);
    }

    /// <summary>
    /// Whether the signed-in operator may see the account (the API's and the console's one rule). When not, the probe
    /// is noted for the audit log, in the operator's own account: its admins see who looked at other accounts.
    /// </summary>
    public static bool Admits(HttpContext http, Guid accountId)
    {
        if (http.User.CanManage(accountId))
        {
            return true;
        }
        var trail = http.RequestServices.GetRequiredService<AuditTrail>();
        trail.AccountId = http.User.OperatorAccount();
        trail.Refusal = (AuditMiddleware.TenantMismatch, $"Operator asked for account '{accountId}', which it may not see.");
        return false;
    }

    private const string AccountItem = "api.account";

    /// <summary>The account of the route, as read (untracked) when the request was let in.</summary>
    public static Accounts.Account Account(HttpContext context) => (Accounts.Account)context.Items[AccountItem]!;
}
