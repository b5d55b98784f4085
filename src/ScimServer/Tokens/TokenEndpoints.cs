using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.OperatorApi;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;

namespace ScimServer.Tokens;

/// <summary>
/// SCIM connections (one per IdP) and their tokens: mint (the secret is in that one answer only), list (never a
/// secret or hash), rotate with an overlap window, revoke. Tokens are checked against the database on every
/// request, so a revocation or an overlap's end holds at once on every server process.
/// </summary>
public static class TokenEndpoints
{
    public const int MaxOverlapMinutes = 7 * 24 * 60;

    public sealed record MintBody(IdentityProviderKind? Idp, string? Name, int? ExpiresInDays);

    public sealed record RotateBody(int? OverlapMinutes);

    public static void MapTokens(this RouteGroupBuilder account)
    {
        account.MapGet("/connections", ListConnections).WithName("ListConnections");
        account.MapPost("/tokens", MintToken).WithName("MintToken");
        account.MapPost("/tokens/{tokenId:guid}/rotate", RotateToken).WithName("RotateToken");
        account.MapDelete("/tokens/{tokenId:guid}", RevokeToken).WithName("RevokeToken");
    }

    internal static async Task<IResult> ListConnections(Guid accountId, ScimDbContext db, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var connections = await db.ScimConnections.AsNoTracking().Where(c => c.AccountId == accountId).OrderBy(c => c.Created).ToListAsync(ct);
        var tokens = await db.ScimTokens.AsNoTracking().Where(t => t.AccountId == accountId).OrderBy(t => t.Created).ToListAsync(ct);
        return Results.Ok(connections.Select(c => new
        {
            c.Id,
            Idp = c.Idp.ToString(),
            c.Name,
            c.Created,
            UnknownGroupMembers = c.UnknownGroupMembers.ToString(),
            UnmatchedValueFilter = c.UnmatchedValueFilter.ToString(),
            Tokens = tokens.Where(t => t.ConnectionId == c.Id).Select(t => View(t, now)),
        }));
    }

    internal static async Task<IResult> MintToken(Guid accountId, MintBody body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct)
    {
        var result = await MintAsync(accountId, body, db, unit, audit, ct);
        return result.IsSuccess ? Results.Created($"/api/accounts/{accountId}/connections", result.Value) : ApiProblem.From(result.Error);
    }

    internal static async Task<IResult> RotateToken(Guid accountId, Guid tokenId, RotateBody? body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        ApiProblem.Answer(await RotateAsync(accountId, tokenId, body?.OverlapMinutes ?? 60, db, unit, audit, ct));

    internal static async Task<IResult> RevokeToken(Guid accountId, Guid tokenId, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        ApiProblem.Answer(await RevokeAsync(accountId, tokenId, db, unit, audit, ct));

    /// <summary>A new token (and its IdP's connection, when the account has none yet); the secret is in this answer only.</summary>
    public static async Task<Result<IssuedToken>> MintAsync(Guid accountId, MintBody body, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct)
    {
        if (body.ExpiresInDays is <= 0 or > 3650)
        {
            return ScimError.InvalidValue("expiresInDays must be between 1 and 3650 (or left out for a token that does not expire).");
        }
        var name = string.IsNullOrWhiteSpace(body.Name) ? "api" : body.Name.Trim();
        var expires = body.ExpiresInDays is { } days ? DateTimeOffset.UtcNow.AddDays(days) : (DateTimeOffset?)null;
        return await unit.RunAsync(token => IssueAsync(db, audit, accountId, name, expires, body.Idp, token), ct, StatusCodes.Status201Created);
    }

    /// <summary>A new secret for the same connection; the old one keeps working for the overlap (never past its own expiry).</summary>
    public static async Task<Result<IssuedToken>> RotateAsync(Guid accountId, Guid tokenId, int overlap, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct)
    {
        if (overlap is < 0 or > MaxOverlapMinutes)
        {
            return ScimError.InvalidValue($"overlapMinutes must be between 0 and {MaxOverlapMinutes} (7 days).");
        }
        return await unit.RunAsync(async token =>
        {
            var old = await db.ScimTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.AccountId == accountId && t.RevokedAt == null, token);
            if (old is null)
            {
                return ScimError.NotFound($"No live token '{tokenId}' in this account.");
            }
            var now = DateTimeOffset.UtcNow;
            var end = now.AddMinutes(overlap);
            var previousExpiry = old.ExpiresAt;
            // The old secret keeps working until the IdP has the new one; never longer than it would have anyway.
            old.ExpiresAt = old.ExpiresAt is { } e && e < end ? e : end;
            if (overlap == 0)
            {
                old.RevokedAt = now;
            }
            var connection = await db.ScimConnections.AsNoTracking().SingleAsync(c => c.Id == old.ConnectionId, token);
            audit.About("ScimToken", old.Id, old.Name);
            audit.Record(AuditDiff.Of(("expiresAt", previousExpiry, old.ExpiresAt), ("revokedAt", null, old.RevokedAt)));
            var lifetime = previousExpiry is { } p ? p - old.Created : (TimeSpan?)null;
            return await IssueAsync(db, audit, accountId, old.Name, lifetime is { } l ? now + l : null, connection.Idp, token, replaces: old);
        }, ct);
    }

    /// <summary>Ends a token at once, on every server process (tokens are checked against the database on each request).</summary>
    public static Task<Result<TokenView>> RevokeAsync(Guid accountId, Guid tokenId, ScimDbContext db, WriteUnit unit, AuditTrail audit, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var found = await TokenRevocation.RevokeAsync(db, audit, tokenId, accountId, token);
            return found is null
                ? ScimError.NotFound($"No live token '{tokenId}' in this account.")
                : Result<TokenView>.Ok(View(found, found.RevokedAt!.Value));
        }, ct);

    private static async Task<Result<IssuedToken>> IssueAsync(
        ScimDbContext db, AuditTrail audit, Guid accountId, string name, DateTimeOffset? expires, IdentityProviderKind? idp, CancellationToken ct, ScimToken? replaces = null)
    {
        var minted = await TokenIssuer.MintAsync(db, accountId, name, expires, ct, idp);
        if (!minted.IsSuccess)
        {
            return minted.Error;
        }
        var created = minted.Value.Token;
        audit.About("ScimToken", created.Id, created.Name);
        audit.Record(AuditDiff.Of(("prefix", null, created.Prefix), ("expiresAt", null, created.ExpiresAt), ("connectionId", null, created.ConnectionId),
            ("replaces", null, replaces?.Id)));
        return Result<IssuedToken>.Ok(new IssuedToken(created.Id, created.Name, created.Prefix, created.ConnectionId, created.ExpiresAt, minted.Value.Secret,
            replaces is null ? null : new ReplacedToken(replaces.Id, replaces.ExpiresAt, replaces.RevokedAt)));
    }

    public static TokenView View(ScimToken t, DateTimeOffset now) =>
        new(t.Id, t.Name, t.Prefix, t.Created, t.ExpiresAt, t.RevokedAt, t.LastUsedAt,
            t.RevokedAt is not null ? "revoked" : t.ExpiresAt <= now ? "expired" : "active");
}

/// <summary>A token as lists show it: never its secret or hash.</summary>
public sealed record TokenView(Guid Id, string Name, string Prefix, DateTimeOffset Created, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt, string Status);

/// <summary>A freshly minted token: the one answer that holds its secret.</summary>
public sealed record IssuedToken(Guid Id, string Name, string Prefix, Guid ConnectionId, DateTimeOffset? ExpiresAt, string Secret, ReplacedToken? Replaces)
{
    public string Note => "Copy the secret now: it is not stored and cannot be shown again.";
}

public sealed record ReplacedToken(Guid Id, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);
