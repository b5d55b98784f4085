using Microsoft.EntityFrameworkCore;
using ScimServer.Persistence;

namespace ScimServer.Tokens;

/// <summary>
/// Keeps each token's "last used" to the minute: the token lookup already reads it, so a request writes it only when
/// it is a minute old (one short UPDATE per token per minute, not one per request).
/// </summary>
internal static class TokenUse
{
    public static readonly TimeSpan Resolution = TimeSpan.FromMinutes(1);

    public static async Task NoteAsync(ScimDbContext db, ScimToken token, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        if (token.LastUsedAt is { } used && now - used < Resolution)
        {
            return;
        }
        // Conditional, so processes that saw the same stale value write it once between them.
        var stale = now - Resolution;
        await db.Database.ExecuteSqlAsync(
            $"UPDATE scim_tokens SET last_used_at = {now} WHERE id = {token.Id} AND (last_used_at IS NULL OR last_used_at < {stale})", ct);
        token.LastUsedAt = now;
    }
}
