using Microsoft.EntityFrameworkCore;

namespace ScimServer.Persistence;

/// <summary>
/// A transaction-scoped advisory lock on a name (a team name, a person's email) that no unique index guards:
/// two writes of one name in one account queue here, so the second sees the first once it commits.
/// </summary>
internal static class NameLock
{
    public static Task TakeAsync(ScimDbContext db, string kind, Guid accountId, string name, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({kind + ":" + accountId + ":" + name.ToLowerInvariant()}, 0))", ct);
}
