namespace ScimServer.Users;

/// <summary>
/// A SCIM User. <see cref="Data"/> holds the canonical resource (jsonb); the columns beside it copy the
/// attributes IdPs filter and sort on, so those filters use indexes.
/// </summary>
public sealed class User
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public required string UserName { get; set; }
    public string? ExternalId { get; set; }
    public string? DisplayName { get; set; }
    public bool Active { get; set; }

    /// <summary>
    /// The person's address (the account model's email): userName when it is an address, else the primary, work or
    /// first of <c>emails</c>. Unique per account among live users.
    /// </summary>
    public string? Email { get; set; }

    /// <summary>First and last name: as the IdP sent them in <c>name</c>, or derived (see <see cref="Person"/>).</summary>
    public string? GivenName { get; set; }
    public string? FamilyName { get; set; }

    /// <summary>Lower-cased email values, for an indexed <c>emails.value eq</c>.</summary>
    public string[] EmailValues { get; set; } = [];

    public required string Data { get; set; }
    public string? PasswordHash { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset LastModified { get; set; }

    /// <summary>Set by DELETE: the user leaves every SCIM read but the record stays for its history.</summary>
    public DateTimeOffset? DeletedAt { get; set; }

    public Accounts.UserRole Role { get; set; } = Accounts.UserRole.User;

    /// <summary>The product whose seat the user takes while active (Viewers with Viewer access take none).</summary>
    public Guid? ProductId { get; set; }

    public long? CreditLimit { get; set; }
    public long CreditsUsed { get; set; }

    /// <summary>Where the user came from: "scim", "manual" or "csv".</summary>
    public string Source { get; set; } = "scim";

    /// <summary>The SCIM connection that provisioned the user (null for manual and CSV users).</summary>
    public Guid? ConnectionId { get; set; }

    public DateTimeOffset? LastLogin { get; set; }

    /// <summary>When the pending invitation was sent (or resent); it expires after <see cref="Accounts.UserLifecycle.InvitationLifetime"/>.</summary>
    public DateTimeOffset? InvitedAt { get; set; }

    /// <summary>The last sign-in through the account's IdP: proof the user can get in when SSO is required.</summary>
    public DateTimeOffset? SsoSignInAt { get; set; }

    /// <summary>Start of the period <see cref="CreditsUsed"/> counts (the last reset, or the team term's start).</summary>
    public DateTimeOffset? CreditsPeriodStart { get; set; }

    /// <summary>PostgreSQL's xmin: changes with every committed update, so it is the ETag.</summary>
    public uint Version { get; set; }
}
