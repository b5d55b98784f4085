namespace ScimServer.Accounts;

public enum SsoStatus
{
    NotConfigured,
    Configured,
    Active,
}
