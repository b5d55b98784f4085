using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.OperatorApi;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;

namespace ScimServer.Users;

/// <summary>
/// The user lifecycle steps that happen in the product, not in the IdP: the product reports each sign-in
/// (invited becomes active; an SSO sign-in proves the user can get in when SSO is required), and an operator
/// resends a pending invitation.
/// </summary>
public static class UserLifecycleEndpoints
{
    public enum SignInMethod
    {
        Sso,
        Password,
    }

    public sealed record SignInBody(SignInMethod Method);

    public static RouteGroupBuilder MapUserLifecycle(this RouteGroupBuilder account)
    {
        account.MapPost("/users/{userId:guid}/sign-ins", RecordSignIn).WithName("RecordSignIn");
        account.MapPost("/users/{userId:guid}/invitation", ResendInvitation).WithName("ResendInvitation");
        return account;
    }

    internal static async Task<IResult> RecordSignIn(Guid accountId, Guid userId, SignInBody body, WriteUnit unit, ScimDbContext db, CancellationToken ct)
    {
        var result = await unit.RunAsync(async token =>
        {
            var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == accountId, token);
            var user = await Find(db, accountId, userId, token);
            if (user is null)
            {
                return UserLookup.NotFound(userId);
            }
            var now = DateTimeOffset.UtcNow;
            if (!user.Active)
            {
                return new ScimError(403, "userInactive", $"'{user.UserName}' is deactivated and cannot sign in.");
            }
            if (UserLifecycle.InvitationExpired(user, now))
            {
                return new ScimError(403, "invitationExpired", $"The invitation of '{user.UserName}' expired; an Admin can resend it.");
            }
            if (body.Method == SignInMethod.Password && account.RequireSso)
            {
                return new ScimError(403, "ssoRequired", $"This account requires SSO: '{user.UserName}' must sign in through {account.SsoIdp}.");
            }
            if (body.Method == SignInMethod.Sso && account.SsoStatus != SsoStatus.Active)
            {
                return new ScimError(409, "ssoNotActive", $"This account's SSO is {account.SsoStatus}, so nobody can sign in with it yet.");
            }
            user.LastLogin = now;
            if (body.Method == SignInMethod.Sso)
            {
                user.SsoSignInAt = now;
            }
            await db.SaveChangesAsync(token);
            return Result<object>.Ok(View(user));
        }, ct);
        return ApiProblem.Answer(result);
    }

    internal static async Task<IResult> ResendInvitation(Guid accountId, Guid userId, WriteUnit unit, ScimDbContext db, AuditTrail audit, CancellationToken ct) =>
        ApiProblem.Answer(await ResendAsync(accountId, userId, unit, db, audit, ct));

    /// <summary>Sends a pending invitation again: it is good for another 30 days.</summary>
    public static Task<Result<object>> ResendAsync(Guid accountId, Guid userId, WriteUnit unit, ScimDbContext db, AuditTrail audit, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var user = await Find(db, accountId, userId, token);
            if (user is null)
            {
                return UserLookup.NotFound(userId);
            }
            audit.About("User", user.Id, user.UserName);
            if (UserLifecycle.Status(user) != UserStatus.Invited)
            {
                return new ScimError(409, "notInvited", $"'{user.UserName}' is {UserLifecycle.StatusName(user)}; only a pending invitation can be resent.");
            }
            var before = user.InvitedAt;
            user.InvitedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync(token);
            audit.Record(AuditDiff.Of(("invitedAt", before, user.InvitedAt)));
            return Result<object>.Ok(View(user));
        }, ct);

    private static Task<User?> Find(ScimDbContext db, Guid accountId, Guid userId, CancellationToken ct) =>
        db.Users.Live(accountId, userId).FirstOrDefaultAsync(ct);

    private static object View(User user) => new
    {
        id = user.Id,
        userName = user.UserName,
        status = UserLifecycle.Status(user),
        invitationExpires = UserLifecycle.InvitationExpires(user),
        lastLogin = user.LastLogin,
        ssoSignInAt = user.SsoSignInAt,
    };
}
