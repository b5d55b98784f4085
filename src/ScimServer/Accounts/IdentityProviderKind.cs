namespace ScimServer.Accounts;

public enum IdentityProviderKind
{
    Okta,
    EntraId,
    OneLogin,
    Other,
}
