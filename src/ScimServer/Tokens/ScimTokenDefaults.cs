namespace ScimServer.Tokens;

public static class ScimTokenDefaults
{
    public const string Scheme = "ScimToken";
    public const string AccountClaim = "scim:account";
    public const string TokenClaim = "scim:token";
    public const string ConnectionClaim = "scim:connection";
    public const string TokenNameClaim = "scim:token-name";
}
