using Microsoft.EntityFrameworkCore;
using ScimServer.Audit;
using ScimServer.Persistence;

namespace ScimServer.Operators;

/// <summary>
/// One sign-in attempt with an operator's user name and password, shared by <c>POST /authenticate</c> and the
/// console: the rate limit per address and name, the lockout after five failures (counted in the database, so it
/// holds across server processes), the constant-time decoy for unknown names, and the audit actor. A success is
/// audited here; a failure by the audit middleware once the caller has set the response's status.
/// </summary>
public static class OperatorSignIn
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    /// <summary>The operator signed in, or why not: an HTTP status, a problem code, a detail and when to retry.</summary>
    public sealed record Outcome(Operator? Operator, int Status, string? Code, string? Detail, int? RetryAfterSeconds = null)
    {
        public bool Succeeded => Operator is not null;
    }

    public static async Task<Outcome> AttemptAsync(string userName, string password, HttpContext context, ScimDbContext db,
        AuditTrail audit, PasswordHasher hasher, Hosting.SignInLimiter limiter, CancellationToken ct)
    {
        var name = userName.Trim().ToLowerInvariant();
        using var lease = limiter.Acquire(context, name);
        if (!lease.IsAcquired)
        {
            audit.Actor = AuditActor.Anonymous(name);
            return new Outcome(null, 429, "rateLimited", null, Hosting.RateLimits.RetryAfterSeconds(lease));
        }
        var op = await db.Operators.FirstOrDefaultAsync(o => o.UserName.ToLower() == name, ct);
        var now = DateTimeOffset.UtcNow;
        // A failure is recorded by the audit middleware: in the operator's account when the name is known.
        audit.Actor = op is null ? AuditActor.Anonymous(name) : new AuditActor("Operator", op.Id.ToString(), op.UserName);
        audit.AccountId = op?.AccountId ?? Guid.Empty;
        if (op?.LockedUntil is { } locked && locked > now)
        {
            var wait = (int)Math.Ceiling((locked - now).TotalSeconds);
            return new Outcome(null, 429, "lockedOut", $"Too many failed sign-ins for this operator; try again in {Math.Ceiling(wait / 60.0)} minutes.", wait);
        }
        if (op is null || !PasswordHasher.Verify(password, op.PasswordHash))
        {
            _ = op is null && PasswordHasher.Verify(password, hasher.Decoy);
            if (op is not null)
            {
                // One statement, so concurrent failures on several processes all count.
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE operators SET
                        locked_until = CASE WHEN failed_sign_ins + 1 >= {MaxFailures} THEN {now + Lockout} ELSE locked_until END,
                        failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= {MaxFailures} THEN 0 ELSE failed_sign_ins + 1 END
                    WHERE id = {op.Id}
                    """, ct);
            }
            return new Outcome(null, 401, "badCredentials", "The user name or password is wrong.");
        }
        op.FailedSignIns = 0;
        op.LockedUntil = null;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            audit.About("Operator", op.Id, op.UserName);
            audit.Record(null);
            await audit.FlushAsync(db, 200, ct);
            await transaction.CommitAsync(ct);
        }
        return new Outcome(op, 200, null, null);
    }
}
