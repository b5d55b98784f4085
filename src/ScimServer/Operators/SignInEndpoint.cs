using Microsoft.EntityFrameworkCore;
using ScimServer.Audit;
using ScimServer.OperatorApi;
using ScimServer.Persistence;

namespace ScimServer.Operators;

/// <summary>
/// <c>POST /authenticate</c> {"username", "password"} → {"jwt", "expiresAt"}. Five failed attempts lock the
/// operator for 15 minutes; the counter lives in the database, so it holds across server processes.
/// </summary>
public static class SignInEndpoint
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Lockout = TimeSpan.FromMinutes(15);

    public sealed record Credentials(string? Username, string? Password);

    public static void MapSignIn(this WebApplication app) =>
        app.MapPost("/authenticate", Authenticate).WithTags("Operator API").WithName("Authenticate").AllowAnonymous();

    internal static async Task<IResult> Authenticate(
        Credentials? body, HttpContext context, ScimDbContext db, OperatorSigningKey key, AuditTrail audit, PasswordHasher hasher, Hosting.SignInLimiter limiter, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(body?.Username) || string.IsNullOrEmpty(body.Password))
        {
            return ApiProblem.Result(400, "invalid", "Send {\"username\": \"…\", \"password\": \"…\"}.");
        }
        var name = body.Username.Trim().ToLowerInvariant();
        using var lease = limiter.Acquire(context, name);
        if (!lease.IsAcquired)
        {
            audit.Actor = AuditActor.Anonymous(name);
            await Hosting.RateLimits.RejectAsync(context, lease);
            return Results.Empty;
        }
        var op = await db.Operators.FirstOrDefaultAsync(o => o.UserName.ToLower() == name, ct);
        var now = DateTimeOffset.UtcNow;
        // A failure is recorded by the audit middleware: in the operator's account when the name is known.
        audit.Actor = op is null ? AuditActor.Anonymous(name) : new AuditActor("Operator", op.Id.ToString(), op.UserName);
        audit.AccountId = op?.AccountId ?? Guid.Empty;
        if (op?.LockedUntil is { } locked && locked > now)
        {
            var wait = (int)Math.Ceiling((locked - now).TotalSeconds);
            context.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiProblem.Result(429, "lockedOut", $"Too many failed sign-ins for this operator; try again in {Math.Ceiling(wait / 60.0)} minutes.");
        }
        if (op is null || !PasswordHasher.Verify(body.Password, op.PasswordHash))
        {
            _ = op is null && PasswordHasher.Verify(body.Password, hasher.Decoy);
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
            return ApiProblem.Result(401, "badCredentials", "The user name or password is wrong.");
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
        var (jwt, expiresAt) = OperatorAuth.Issue(op, key.Key);
        return Results.Ok(new { jwt, expiresAt, tokenType = "Bearer" });
    }
}
