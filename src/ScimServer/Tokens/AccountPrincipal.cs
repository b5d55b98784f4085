using System.Security.Claims;

namespace ScimServer.Tokens;

public static class AccountPrincipal
{
    /// <summary>The account of the authenticated SCIM token; every query and write is scoped to it.</summary>
    public static Guid AccountId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(ScimTokenDefaults.AccountClaim)
                   ?? throw new InvalidOperationException("The request is not authenticated with a SCIM token."));
}
