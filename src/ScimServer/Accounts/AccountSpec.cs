namespace ScimServer.Accounts;

/// <summary>What an account is set up with: the contract, SSO, domains and products (code, seats); the first product is the default.</summary>
public sealed record AccountSpec(
    string Name,
    AccountTier Tier,
    IReadOnlyList<string> Domains,
    IReadOnlyList<(string Code, int Seats)> Products,
    bool ViewerAccess = false,
    IdentityProviderKind? SsoIdp = null,
    SsoStatus SsoStatus = SsoStatus.NotConfigured,
    long CreditPool = 0,
    DateOnly? ContractStart = null,
    DateOnly? ContractEnd = null,
    bool RestrictDomains = false,
    bool RequireNames = false,
    bool RequireEmail = false)
{
    /// <summary>The demo account of the run command: small seat counts so a newcomer can hit a limit with curl.</summary>
    public static AccountSpec Demo(string name) => new(name, AccountTier.Enterprise, ["example.com"],
        [("professional", 3), ("advanced", 2), ("elite", 1)], ViewerAccess: true, IdentityProviderKind.Okta, SsoStatus.Active, CreditPool: 10_000);
}
