using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Users;

namespace ScimServer.Credits;

/// <summary>
/// The account's credit pool and its users' allocations (rule 8, and the credit half of rule 3). A user with
/// their own limit has the unused part of it set aside in the pool (<see cref="Account.CreditsReserved"/>), so
/// nobody else can consume it and deactivation can hand it back. Every method runs inside the caller's
/// transaction and locks the account row before the user row, so counts stay exact across processes.
/// </summary>
internal sealed class CreditBook(ScimDbContext db)
{
    /// <summary>Most credits one consumption may take; a guard against a unit mix-up in the caller.</summary>
    public const long MaxConsumption = 1_000_000_000;

    /// <summary>
    /// Moves the pool's reservation along with a user's change of state or limit. A user leaving the active set
    /// loses their own limit: its unused part returns to the pool. Returns the limit to store.
    /// </summary>
    public async Task<Result<long?>> RebalanceAsync(
        Guid accountId, Guid userId, long used, (bool Live, long? Limit) before, (bool Live, long? Limit) after, CancellationToken ct)
    {
        var limit = after.Live ? after.Limit : null;
        var delta = Reserved(after.Live, limit, used) - Reserved(before.Live, before.Limit, used);
        if (delta == 0 && before.Limit == limit)
        {
            return Result<long?>.Ok(limit);
        }
        var pool = await LockPoolAsync(accountId, ct);
        if (delta > 0 && delta > pool.Available)
        {
            return ScimError.InvalidValue(
                $"A credit limit of {after.Limit} sets aside {delta} credits, but only {pool.Available} of the account's {pool.Total} are unallocated " +
                $"({pool.Used} used, {pool.Reserved} allocated to users with their own limit). Lower the limit, or leave it unset so the team limit applies.");
        }
        await SavePoolAsync(accountId, pool with { Reserved = pool.Reserved + delta }, ct);
        var kind = before.Live && !after.Live ? CreditEntryKind.Release : CreditEntryKind.Allocate;
        Record(accountId, userId, kind, kind == CreditEntryKind.Release ? -delta : delta);
        return Result<long?>.Ok(limit);
    }

    /// <summary>Consumes <paramref name="amount"/> credits for a user, or says which limit stops it.</summary>
    public async Task<Result<CreditBalance>> ConsumeAsync(Guid accountId, Guid userId, long amount, DateTimeOffset now, CancellationToken ct)
    {
        if (amount is <= 0 or > MaxConsumption)
        {
            return new ScimError(400, "invalidAmount", $"amount must be a whole number from 1 to {MaxConsumption}.");
        }
        var pool = await LockPoolAsync(accountId, ct);
        var user = await LockUserAsync(accountId, userId, ct);
        if (user is null)
        {
            return UserLookup.NotFound(userId);
        }
        if (!user.Active)
        {
            return new ScimError(403, "userInactive", $"'{user.UserName}' is {UserLifecycle.StatusName(user)} and cannot consume credits.");
        }
        if (user.Role == UserRole.Viewer)
        {
            return new ScimError(403, "viewer", $"'{user.UserName}' is a Viewer; Viewers cannot consume credits.");
        }
        var allowance = await AllowanceAsync(user, now, ct);
        if (allowance.Limit is not { } limit)
        {
            return new ScimError(409, "noAllocation",
                $"'{user.UserName}' has no credit allocation: set a credit limit on the user or on one of their teams.");
        }
        if (user.CreditsUsed + amount > limit)
        {
            var whose = allowance.Team is null ? "their own limit" : $"the limit of team '{allowance.Team}'";
            return new ScimError(409, "userLimitExhausted",
                $"'{user.UserName}' has used {user.CreditsUsed} of {limit} credits ({whose}); {amount} more would exceed it. " +
                "Raise the limit or reset the user's usage.");
        }
        // Own-limit credits are already set aside; others come out of the unallocated part of the pool.
        var fromReserve = allowance.Team is null ? amount : 0;
        if (amount - fromReserve > pool.Available || pool.Used + amount > pool.Total)
        {
            return new ScimError(409, "poolExhausted",
                $"The account's credit pool is exhausted: {pool.Available} of {pool.Total} credits are unallocated " +
                $"({pool.Used} used, {pool.Reserved} set aside for users with their own limit); {amount} requested.");
        }
        user.CreditsUsed += amount;
        pool = pool with { Used = pool.Used + amount, Reserved = pool.Reserved - fromReserve };
        await SavePoolAsync(accountId, pool, ct);
        Record(accountId, user.Id, CreditEntryKind.Consume, amount);
        await db.SaveChangesAsync(ct);
        return Result<CreditBalance>.Ok(Balance(user, allowance, pool));
    }

    /// <summary>Sets a user's usage back to zero; an own limit is set aside again in full, so it must fit the pool.</summary>
    public async Task<Result<CreditBalance>> ResetAsync(Guid accountId, Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        var pool = await LockPoolAsync(accountId, ct);
        var user = await LockUserAsync(accountId, userId, ct);
        if (user is null)
        {
            return UserLookup.NotFound(userId);
        }
        var live = user.Active;
        var delta = Reserved(live, user.CreditLimit, 0) - Reserved(live, user.CreditLimit, user.CreditsUsed);
        if (delta > pool.Available)
        {
            return new ScimError(409, "poolExhausted",
                $"Resetting '{user.UserName}' would set aside {delta} more credits for their own limit, but only {pool.Available} are unallocated. " +
                "Lower the user's limit first.");
        }
        Record(accountId, user.Id, CreditEntryKind.Reset, user.CreditsUsed);
        user.CreditsUsed = 0;
        user.CreditsPeriodStart = now;
        pool = pool with { Reserved = pool.Reserved + delta };
        await SavePoolAsync(accountId, pool, ct);
        await db.SaveChangesAsync(ct);
        return Result<CreditBalance>.Ok(Balance(user, await AllowanceAsync(user, now, ct), pool));
    }

    /// <summary>
    /// Sets or clears an active user's own limit, in the SCIM document too so the IdP reads back what the operator
    /// set; the pool must cover the new reservation.
    /// </summary>
    public async Task<Result<CreditBalance>> SetLimitAsync(Guid accountId, Guid userId, long? limit, DateTimeOffset now, CancellationToken ct)
    {
        var user = await db.Users.Live(accountId, userId).FirstOrDefaultAsync(ct);
        if (user is null)
        {
            return UserLookup.NotFound(userId);
        }
        if (!user.Active)
        {
            return new ScimError(409, "userInactive", $"'{user.UserName}' is deactivated: their allocation went back to the pool. Reactivate them first.");
        }
        var stored = await RebalanceAsync(accountId, user.Id, user.CreditsUsed, (true, user.CreditLimit), (true, limit), ct);
        if (!stored.IsSuccess)
        {
            return stored.Error;
        }
        var doc = JsonNode.Parse(user.Data)!.AsObject();
        UserResource.SetCreditLimit(doc, stored.Value);
        user.Data = doc.ToJsonString();
        user.CreditLimit = stored.Value;
        user.LastModified = now;
        await db.SaveChangesAsync(ct);
        return Result<CreditBalance>.Ok(Balance(user, await AllowanceAsync(user, now, ct), await PoolAsync(accountId, ct)));
    }

    /// <summary>Starts a new contract year: the pool (optionally a new size) and every user's usage start from zero.</summary>
    public async Task<Result<PoolState>> RenewAsync(Guid accountId, long? newTotal, DateTimeOffset now, CancellationToken ct)
    {
        var pool = await LockPoolAsync(accountId, ct);
        var reserved = await db.Users.Active(accountId)
            .Where(u => u.CreditLimit != null)
            .SumAsync(u => u.CreditLimit!.Value, ct);
        if (newTotal < reserved)
        {
            // Own limits are promises to users: a new year's pool must cover them in full (usage starts at zero).
            return PoolTooSmall(newTotal.Value, 0, reserved);
        }
        await db.Database.ExecuteSqlAsync(
            $"UPDATE users SET credits_used = 0, credits_period_start = {now} WHERE account_id = {accountId} AND credits_used <> 0", ct);
        pool = new PoolState(newTotal ?? pool.Total, 0, reserved);
        await db.Database.ExecuteSqlAsync(
            $"UPDATE accounts SET credit_pool = {pool.Total}, credits_used = 0, credits_reserved = {reserved} WHERE id = {accountId}", ct);
        Record(accountId, null, CreditEntryKind.Renew, pool.Total);
        await db.SaveChangesAsync(ct);
        return Result<PoolState>.Ok(pool);
    }

    /// <summary>Refuses a pool below what is already spent or set aside this contract year (like seats below those in use).</summary>
    public static ScimError PoolTooSmall(long total, long used, long reserved) =>
        new(409, "creditsInUse",
            $"The credit pool cannot drop to {total}: {used + reserved} credits are already used ({used}) or set aside for users " +
            $"with their own limit ({reserved}). Lower or clear users' own limits first, or keep the pool at {used + reserved} or more.");

    public async Task<CreditBalance?> BalanceAsync(Guid accountId, Guid userId, DateTimeOffset now, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().Live(accountId, userId).FirstOrDefaultAsync(ct);
        return user is null ? null : Balance(user, await AllowanceAsync(user, now, ct), await PoolAsync(accountId, ct));
    }

    public Task<PoolState> PoolAsync(Guid accountId, CancellationToken ct) =>
        db.Accounts.Where(a => a.Id == accountId).Select(a => new PoolState(a.CreditPool, a.CreditsUsed, a.CreditsReserved)).SingleAsync(ct);

    /// <summary>The limit that applies to a user: their own, else the lowest of their teams'. Rolls a team term over.</summary>
    private async Task<Allowance> AllowanceAsync(User user, DateTimeOffset now, CancellationToken ct)
    {
        if (user.CreditLimit is { } own)
        {
            return new Allowance(own, null, null);
        }
        var team = await db.GroupMembers
            .Where(m => m.MemberId == user.Id)
            .Join(db.Groups.Where(g => g.CreditLimit != null), m => m.GroupId, g => g.Id, (m, g) => g)
            .OrderBy(g => g.CreditLimit)
            .Select(g => new { g.DisplayName, g.CreditLimit, g.CreditTerms })
            .FirstOrDefaultAsync(ct);
        if (team is null)
        {
            return new Allowance(null, null, null);
        }
        if (TermStart(team.CreditTerms, now) is { } start && (user.CreditsPeriodStart is null || user.CreditsPeriodStart < start))
        {
            // A new month or quarter: the counter starts again (the caller saves it only when it writes).
            user.CreditsUsed = 0;
            user.CreditsPeriodStart = start;
        }
        return new Allowance(team.CreditLimit, team.DisplayName, team.CreditTerms);
    }

    public static DateTimeOffset? TermStart(CreditTerms terms, DateTimeOffset now) => terms switch
    {
        CreditTerms.Monthly => new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero),
        CreditTerms.Quarterly => new DateTimeOffset(now.Year, ((now.Month - 1) / 3 * 3) + 1, 1, 0, 0, 0, TimeSpan.Zero),
        _ => null,
    };

    private static long Reserved(bool live, long? limit, long used) => live && limit is { } l ? Math.Max(l - used, 0) : 0;

    private static CreditBalance Balance(User user, Allowance allowance, PoolState pool) => new(
        user.Id, user.CreditsUsed, allowance.Limit, allowance.Team is null ? (allowance.Limit is null ? "none" : "user") : "team",
        allowance.Team, allowance.Terms, allowance.Limit is { } l ? Math.Max(l - user.CreditsUsed, 0) : 0, pool);

    private async Task<PoolState> LockPoolAsync(Guid accountId, CancellationToken ct)
    {
        var rows = await db.Database.SqlQuery<PoolRow>(
            $"SELECT credit_pool AS \"Total\", credits_used AS \"Used\", credits_reserved AS \"Reserved\" FROM accounts WHERE id = {accountId} FOR UPDATE")
            .ToListAsync(ct);
        var row = rows.Single();
        return new PoolState(row.Total, row.Used, row.Reserved);
    }

    private async Task<User?> LockUserAsync(Guid accountId, Guid userId, CancellationToken ct) =>
        (await db.Users.FromSql($"SELECT *, xmin FROM users WHERE id = {userId} AND account_id = {accountId} AND deleted_at IS NULL FOR UPDATE").ToListAsync(ct))
        .SingleOrDefault();

    private Task SavePoolAsync(Guid accountId, PoolState pool, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"UPDATE accounts SET credits_used = {pool.Used}, credits_reserved = {pool.Reserved} WHERE id = {accountId}", ct);

    private void Record(Guid accountId, Guid? userId, CreditEntryKind kind, long amount) =>
        db.CreditLedger.Add(new CreditLedgerEntry { AccountId = accountId, UserId = userId, At = DateTimeOffset.UtcNow, Kind = kind, Amount = amount });

    private sealed class PoolRow
    {
        public long Total { get; set; }
        public long Used { get; set; }
        public long Reserved { get; set; }
    }

    private sealed record Allowance(long? Limit, string? Team, CreditTerms? Terms);
}

/// <summary>The account's credits: bought, consumed, and set aside for users with their own limit.</summary>
public sealed record PoolState(long Total, long Used, long Reserved)
{
    public long Available => Math.Max(0, Total - Used - Reserved);
}

/// <summary>A user's credit position after an operation, with the pool it draws on.</summary>
public sealed record CreditBalance(
    Guid UserId, long Used, long? Limit, string LimitSource, string? Team, CreditTerms? Terms, long Remaining, PoolState Pool);
