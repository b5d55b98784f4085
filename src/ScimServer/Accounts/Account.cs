namespace ScimServer.Accounts;

/// <summary>A customer account: the tenant every SCIM resource and token belongs to.</summary>
public sealed class Account
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset Created { get; set; }
    public AccountTier Tier { get; set; }

    /// <summary>Verified email domains; with <see cref="RestrictDomains"/>, every user's email must be in one of them.</summary>
    public string[] EmailDomains { get; set; } = [];

    /// <summary>Policy: only people whose email is in a verified domain may be provisioned (off for new accounts).</summary>
    public bool RestrictDomains { get; set; }

    /// <summary>Policy: every user needs an email address of their own (present, unique among live users; off for new accounts).</summary>
    public bool RequireEmail { get; set; }

    /// <summary>Policy: the IdP must send name.givenName and name.familyName; otherwise they are derived (off for new accounts).</summary>
    public bool RequireNames { get; set; }

    /// <summary>Whether the contract includes Viewer access (Viewers then take no seat).</summary>
    public bool ViewerAccess { get; set; }

    /// <summary>Credits bought for the contract year.</summary>
    public long CreditPool { get; set; }

    public DateOnly? ContractStart { get; set; }
    public DateOnly? ContractEnd { get; set; }
    public IdentityProviderKind? SsoIdp { get; set; }
    public SsoStatus SsoStatus { get; set; }
    public bool RequireSso { get; set; }

    /// <summary>Credits consumed from the pool this contract year.</summary>
    public long CreditsUsed { get; set; }

    /// <summary>
    /// Credits set aside for active users with their own limit and not yet consumed (the sum of their
    /// limit minus usage). They are the users' allocations: nobody else can consume them.
    /// </summary>
    public long CreditsReserved { get; set; }

    /// <summary>IdP role values and what they grant (JSON list of <see cref="IdpRoleMapping"/>).</summary>
    public string IdpRoleMappings { get; set; } = "[]";

    /// <summary>The product a user gets when the IdP names none.</summary>
    public Guid? DefaultProductId { get; set; }
}
