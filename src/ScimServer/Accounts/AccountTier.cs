namespace ScimServer.Accounts;

/// <summary>The contract tier. Only Enterprise unlocks SSO and SCIM; seats are bought separately as products.</summary>
public enum AccountTier
{
    Professional,
    Advanced,
    Elite,
    Enterprise,
}
