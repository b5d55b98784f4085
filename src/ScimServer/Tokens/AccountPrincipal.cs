using System.Security.Claims;

namespace ScimServer.Tokens;

public static class AccountPrincipal
{
    /// <summary>The account of the authenticated SCIM token; every query and write is scoped to it.</summary>
    public static Guid AccountId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(ScimTokenDefaults.AccountClaim)
                   ?? throw new InvalidOperationException("The request is not authenticated with a SCIM token."));

    /// <summary>The SCIM connection (IdP) of the authenticated token: users it writes are provisioned by it.</summary>
    public static Guid ConnectionId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(ScimTokenDefaults.ConnectionClaim)
                   ?? throw new InvalidOperationException("The request is not authenticated with a SCIM token."));

}
