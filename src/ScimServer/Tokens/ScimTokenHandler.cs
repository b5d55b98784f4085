using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ScimServer.Audit;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Scim;

namespace ScimServer.Tokens;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c> against the stored token hashes. Every request reads
/// the database, so a revoked token stops working at once on every server process.
/// </summary>
internal sealed class ScimTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ScimDbContext db, ScimCaller caller, Hosting.BadTokenLimiter badTokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string Missing = "missing";
    private const string Limited = "limited";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            Context.Items[Missing] = true;
            return AuthenticateResult.NoResult();
        }
        var secret = header["Bearer ".Length..].Trim();
        var check = badTokens.Check(Context);
        if (!check.IsAcquired)
        {
            // This address sent too many bad tokens: answered 429 without looking this one up.
            Context.Items[Limited] = check;
            caller.Audit.Actor = AuditActor.Anonymous(Prefix(secret));
            return AuthenticateResult.Fail("Too many bad tokens from this address.");
        }
        check.Dispose();
        var live = secret.Length is > 0 and <= 512 ? await TokenIssuer.FindAsync(db, secret, Context.RequestAborted) : null;
        if (live is not { Token: var token })
        {
            badTokens.Count(Context);
            await NoteFailureAsync(secret);
            return AuthenticateResult.Fail("The bearer token is not valid.");
        }
        var identity = new ClaimsIdentity(
        [
            new Claim(ScimTokenDefaults.AccountClaim, token.AccountId.ToString()),
            new Claim(ScimTokenDefaults.TokenClaim, token.Id.ToString()),
            new Claim(ScimTokenDefaults.ConnectionClaim, token.ConnectionId.ToString()),
            new Claim(ScimTokenDefaults.TokenNameClaim, token.Name),
        ], ScimTokenDefaults.Scheme);
        await TokenUse.NoteAsync(db, token, Context.RequestAborted);
        // Read with the token, so the account gate (rule 1) and the account rules need not query it again.
        caller.Authenticated(live);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ScimTokenDefaults.Scheme));
    }

    /// <summary>
    /// For the audit log: a revoked or expired token still names its account and connection (so that account's
    /// operators see their IdP using a dead token); an unknown one is logged by its first characters only.
    /// </summary>
    private async Task NoteFailureAsync(string secret)
    {
        var trail = caller.Audit;
        var dead = secret.Length is > 0 and <= 512 ? await TokenIssuer.FindAnyAsync(db, secret, Context.RequestAborted) : null;
        if (dead is null)
        {
            trail.Actor = AuditActor.Anonymous(Prefix(secret));
            trail.Refusal = ("unknownToken", "The bearer token is unknown.");
            return;
        }
        trail.Actor = AuditActor.ScimToken(dead.Id, dead.Name, dead.ConnectionId);
        trail.AccountId = dead.AccountId;
        trail.Refusal = dead.RevokedAt is not null
            ? ("tokenRevoked", $"The token '{dead.Name}' ({dead.Prefix}…) was revoked at {dead.RevokedAt:O}.")
            : ("tokenExpired", $"The token '{dead.Name}' ({dead.Prefix}…) expired at {dead.ExpiresAt:O}.");
    }

    private static string Prefix(string secret) => secret.Length > 11 ? secret[..11] + "…" : "(malformed)";

    // RFC 6750 §3: 401 with a Bearer challenge; the body is a SCIM Error (RFC 7644 §3.12).
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[Limited] is System.Threading.RateLimiting.RateLimitLease lease)
        {
            using (lease)
            {
                await Hosting.RateLimits.RejectAsync(Context, lease);
            }
            return;
        }
        var missing = Context.Items.ContainsKey(Missing);
        Response.Headers.WWWAuthenticate = missing
            ? "Bearer realm=\"scim\""
            : "Bearer realm=\"scim\", error=\"invalid_token\", error_description=\"The token is unknown, revoked or expired.\"";
        var detail = missing
            ? "Send the SCIM token of your account as 'Authorization: Bearer <token>'."
            : "The bearer token is unknown, revoked or expired; ask an operator for a new SCIM token.";
        await ScimResult.Error(new ScimError(401, null, detail)).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await ScimResult.Error(new ScimError(403, null, "This token may not perform this request.")).ExecuteAsync(Context);
}
