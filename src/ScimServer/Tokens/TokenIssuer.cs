using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;

namespace ScimServer.Tokens;

/// <summary>A freshly minted token: the plain secret (never stored) and the stored record.</summary>
public sealed record MintedToken(string Secret, ScimToken Token);

/// <summary>A live token found by its secret, with its account, the account's products and its connection's compatibility settings (one query per request).</summary>
public sealed record LiveToken(ScimToken Token, Account Account, ScimConnection Connection, IReadOnlyList<Product> Products);

/// <summary>Mints and looks up SCIM bearer tokens. The plain secret exists only in the mint's return value.</summary>
public static class TokenIssuer
{
    private const string SecretPrefix = "scim_";

    /// <summary>
    /// A new token for the account's connection to <paramref name="idp"/> (default: the account's SSO IdP),
    /// created on first use, or the reason the account may not have one (rule 1: Enterprise tier and active SSO).
    /// </summary>
    public static async Task<Result<MintedToken>> MintAsync(
        ScimDbContext db, Guid accountId, string name, DateTimeOffset? expiresAt, CancellationToken ct, IdentityProviderKind? idp = null)
    {
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
        {
            return ScimError.NotFound($"Account '{accountId}' does not exist.");
        }
        if (ScimAccess.Refusal(account) is { } refusal)
        {
            return new ScimError(403, null, "No SCIM token can be issued: " + refusal);
        }
        var connection = await ConnectionAsync(db, account, idp ?? account.SsoIdp ?? IdentityProviderKind.Other, ct);
        var secret = SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new ScimToken
        {
            Id = Guid.CreateVersion7(),
            AccountId = accountId,
            ConnectionId = connection.Id,
            Name = name,
            Hash = Hash(secret),
            Prefix = secret[..(SecretPrefix.Length + 6)],
            Created = DateTimeOffset.UtcNow,
            ExpiresAt = expiresAt,
        };
        db.ScimTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return Result<MintedToken>.Ok(new MintedToken(secret, token));
    }

    /// <summary>The live token matching <paramref name="secret"/>, or null. Revocation is seen by the next request on every process.</summary>
    public static async Task<LiveToken?> FindAsync(ScimDbContext db, string secret, CancellationToken ct)
    {
        var hash = Hash(secret);
        var found = await TokenRead.FindAsync(db, hash, ct);
        // The index lookup already matched; the fixed-time compare keeps the final check free of early exits.
        if (found is null || !CryptographicOperations.FixedTimeEquals(found.Token.Hash, hash))
        {
            return null;
        }
        return found.Token.ExpiresAt is { } expiry && expiry <= DateTimeOffset.UtcNow ? null : found;
    }

    /// <summary>The token matching <paramref name="secret"/> whether live, revoked or expired (for the audit log), or null.</summary>
    public static Task<ScimToken?> FindAnyAsync(ScimDbContext db, string secret, CancellationToken ct)
    {
        var hash = Hash(secret);
        return db.ScimTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Hash == hash, ct);
    }

    private static async Task<ScimConnection> ConnectionAsync(ScimDbContext db, Account account, IdentityProviderKind idp, CancellationToken ct)
    {
        var connection = idp == IdentityProviderKind.Other
            ? null
            : await db.ScimConnections.FirstOrDefaultAsync(c => c.AccountId == account.Id && c.Idp == idp, ct);
        if (connection is null)
        {
            connection = new ScimConnection
            {
                Id = Guid.CreateVersion7(), AccountId = account.Id, Idp = idp, Name = idp.ToString(), Created = DateTimeOffset.UtcNow,
                // The named IdPs push whole groups in one request: skipping an id they have not provisioned yet is safer than refusing all.
                UnknownGroupMembers = idp == IdentityProviderKind.Other ? UnknownMembers.Reject : UnknownMembers.Ignore,
                // Entra ID sets a missing work email with Replace through a filter and treats 400 noTarget as a failure.
                UnmatchedValueFilter = idp == IdentityProviderKind.EntraId ? UnmatchedValueFilter.Create : UnmatchedValueFilter.NoTarget,
            };
            db.ScimConnections.Add(connection);
        }
        return connection;
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
