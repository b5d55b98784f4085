namespace ScimServer.Accounts;

/// <summary>Rule 1: SCIM needs the Enterprise tier and an active SSO configuration.</summary>
public static class ScimAccess
{
    /// <summary>Why the account may not use SCIM, in words an admin can act on, or null when it may.</summary>
    public static string? Refusal(Account account)
    {
        if (account.Tier != AccountTier.Enterprise)
        {
            return $"SCIM provisioning requires the Enterprise tier; this account is on the {account.Tier} tier. Ask your account team to upgrade the contract.";
        }
        return account.SsoStatus switch
        {
            SsoStatus.Active => null,
            SsoStatus.Configured => "SCIM provisioning requires an active SSO configuration; this account's SSO is configured but not active. Activate SSO first.",
            _ => "SCIM provisioning requires an active SSO configuration; this account has no SSO configured. Configure and activate SSO first.",
        };
    }
}
