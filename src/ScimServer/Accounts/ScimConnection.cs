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
}

/// <summary>A compatibility setting: what a group write does with member ids the account does not have.</summary>
public enum UnknownMembers
{
    /// <summary>400 invalidValue naming them, and nothing changes (RFC 7644's answer to an invalid value).</summary>
    Reject,

    /// <summary>Skip them, apply the rest, and list the skipped ids in the audit entry (Okta, Entra ID, OneLogin).</summary>
    Ignore,
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
    }
}
