namespace ScimServer.Tokens;

/// <summary>
/// A bearer token of one account. Only the SHA-256 of the secret is kept: the secret is 256 random bits, so a
/// fast hash is enough (a slow hash protects low-entropy passwords, not random keys).
/// </summary>
public sealed class ScimToken
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }

    /// <summary>The SCIM connection (one IdP) the token belongs to; users it creates record it as their source.</summary>
    public Guid ConnectionId { get; set; }
    public required string Name { get; set; }
    public required byte[] Hash { get; set; }

    /// <summary>The first characters of the secret, safe to show so operators can tell tokens apart.</summary>
    public required string Prefix { get; set; }

    public DateTimeOffset Created { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>When an IdP last called with it, to the minute (<see cref="TokenUse"/>).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
}
