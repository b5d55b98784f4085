using System.Security.Claims;
using ScimServer.OperatorApi;
using ScimServer.Tokens;

namespace ScimServer.Audit;

/// <summary>Who did it: a SCIM token (of a connection), an operator, the CLI, or an unauthenticated caller.</summary>
public sealed record AuditActor(string Type, string? Id, string? Name, Guid? ConnectionId = null)
{
    public static AuditActor Cli() => new("Cli", Environment.UserName, "cli");

    public static AuditActor Anonymous(string? attempted) => new("Anonymous", attempted, null);

    public static AuditActor ScimToken(Guid tokenId, string name, Guid connectionId) => new("ScimToken", tokenId.ToString(), name, connectionId);

    /// <summary>The authenticated caller of a request, or anonymous.</summary>
    public static AuditActor Of(ClaimsPrincipal user)
    {
        if (user.FindFirstValue(ScimTokenDefaults.TokenClaim) is { } token)
        {
            return new("ScimToken", token, user.FindFirstValue(ScimTokenDefaults.TokenNameClaim),
                Guid.TryParse(user.FindFirstValue(ScimTokenDefaults.ConnectionClaim), out var connection) ? connection : null);
        }
        if (user.FindFirstValue(OperatorAuth.KindClaim) is not null)
        {
            return new("Operator", user.FindFirstValue(OperatorAuth.SubjectClaim), user.FindFirstValue(OperatorAuth.NameClaim));
        }
        return Anonymous(null);
    }
}
