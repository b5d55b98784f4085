using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.OperatorApi;
using ScimServer.Persistence;

namespace ScimServer.WebConsole;

/// <summary>The account a console page is about, admitted by the API's own rule (<see cref="AccountScopeFilter.Admits"/>).</summary>
internal static class ConsoleScope
{
    /// <summary>The account, or null after answering 404 (another account's page looks like one that does not exist).</summary>
    public static async Task<Account?> OpenAsync(HttpContext http, ScimDbContext db, NavigationManager navigation, Guid accountId)
    {
        var account = AccountScopeFilter.Admits(http, accountId)
            ? await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, http.RequestAborted)
            : null;
        if (account is null)
        {
            navigation.NotFound();
            return null;
        }
        // What the page changes, and what it is refused, is recorded in this account's audit log.
        http.RequestServices.GetRequiredService<AuditTrail>().AccountId = accountId;
        return account;
    }
}
