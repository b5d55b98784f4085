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
    }
}
