using Microsoft.EntityFrameworkCore;
using ScimServer.Audit;
using ScimServer.Persistence;

namespace ScimServer.Tokens;

/// <summary>Revoking a token, for the operator API and the CLI alike: at once, on every server process.</summary>
public static class TokenRevocation
{
    /// <summary>
    /// Revokes the live token with this id (in the account, when one is named) and records it in the trail, or
    /// returns null when there is no such live token. Every request reads its token from the database, so the next
    /// request with it is refused everywhere.
    /// </summary>
    public static async Task<ScimToken?> RevokeAsync(ScimDbContext db, AuditTrail audit, Guid tokenId, Guid? accountId, CancellationToken ct)
    {
        var found = await db.ScimTokens.SingleOrDefaultAsync(t => t.Id == tokenId && (accountId == null || t.AccountId == accountId) && t.RevokedAt == null, ct);
        if (found is null)
        {
            return null;
        }
        found.RevokedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(ct);
        audit.About("ScimToken", found.Id, found.Name);
        audit.Record(AuditDiff.Of(("revokedAt", null, found.RevokedAt)), accountId: found.AccountId);
        return found;
    }
}
