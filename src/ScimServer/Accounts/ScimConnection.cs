using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScimServer.Accounts;

/// <summary>One IdP's provisioning link to an account; it owns that IdP's tokens.</summary>
public sealed class ScimConnection
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public IdentityProviderKind Idp { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset Created { get; set; }

    /// <summary>Group members this connection names that are not users or groups of the account: refused, or skipped.</summary>
    public UnknownMembers UnknownGroupMembers { get; set; } = UnknownMembers.Reject;

    /// <summary>PATCH replace through a value filter that matches no value: 400 noTarget, or create the value the filter describes.</summary>
    public UnmatchedValueFilter UnmatchedValueFilter { get; set; } = UnmatchedValueFilter.NoTarget;
}

/// <summary>A compatibility setting: what a group write does with member ids the account does not have.</summary>
public enum UnknownMembers
{
    /// <summary>400 invalidValue naming them, and nothing changes (RFC 7644's answer to an invalid value).</summary>
    Reject,

    /// <summary>Skip them, apply the rest, and list the skipped ids in the audit entry (Okta, Entra ID, OneLogin).</summary>
    Ignore,
}

/// <summary>
/// A compatibility setting: what PATCH <c>replace</c> on e.g. <c>emails[type eq "work"].value</c> does when no value
/// matches the filter.
/// </summary>
public enum UnmatchedValueFilter
{
    /// <summary>400 noTarget, as RFC 7644 §3.5.2.3 says.</summary>
    NoTarget,

    /// <summary>Create the value: the filter's <c>eq</c> terms plus the new value (what Entra ID expects).</summary>
    Create,
}

internal sealed class ScimConnectionConfiguration : IEntityTypeConfiguration<ScimConnection>
{
    public void Configure(EntityTypeBuilder<ScimConnection> builder)
    {
        builder.ToTable("scim_connections");
        builder.Property(c => c.Id).HasColumnName("id");
        builder.Property(c => c.AccountId).HasColumnName("account_id");
        builder.Property(c => c.Idp).HasColumnName("idp").HasConversion<string>();
        builder.Property(c => c.Name).HasColumnName("name");
        builder.Property(c => c.Created).HasColumnName("created");
        builder.Property(c => c.UnknownGroupMembers).HasColumnName("unknown_group_members").HasConversion<string>();
        builder.Property(c => c.UnmatchedValueFilter).HasColumnName("unmatched_value_filter").HasConversion<string>();
    }
}
