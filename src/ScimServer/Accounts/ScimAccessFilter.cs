using Microsoft.EntityFrameworkCore;
using ScimServer.Auth;
using ScimServer.Hosting;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;

namespace ScimServer.Accounts;

/// <summary>
/// Refuses every SCIM request of an account that may not use SCIM (rule 1) with 403, and hands the account
/// to the handlers so the account rules need not read it again.
/// </summary>
internal sealed class ScimAccessFilter : IEndpointFilter
{
    public const string AccountItem = "scim.account";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var db = http.RequestServices.GetRequiredService<ScimDbContext>();
        var accountId = http.User.AccountId();
        var account = await db.Accounts.AsNoTracking().FirstAsync(a => a.Id == accountId, http.RequestAborted);
        if (ScimAccess.Refusal(account) is { } refusal)
        {
            return ScimResult.Error(new ScimError(403, null, refusal));
        }
        http.Items[AccountItem] = account;
        return await next(context);
    }

    public static Account Account(HttpContext context) => (Account)context.Items[AccountItem]!;
}
