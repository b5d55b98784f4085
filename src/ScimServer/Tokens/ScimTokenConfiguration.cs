using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScimServer.Tokens;

internal sealed class ScimTokenConfiguration : IEntityTypeConfiguration<ScimToken>
{
    public void Configure(EntityTypeBuilder<ScimToken> builder)
    {
        builder.ToTable("scim_tokens");
        builder.Property(t => t.Id).HasColumnName("id");
        builder.Property(t => t.AccountId).HasColumnName("account_id");
        builder.Property(t => t.ConnectionId).HasColumnName("connection_id");
        builder.Property(t => t.Name).HasColumnName("name");
        builder.Property(t => t.Hash).HasColumnName("hash");
        builder.Property(t => t.Prefix).HasColumnName("prefix");
        builder.Property(t => t.Created).HasColumnName("created");
        builder.Property(t => t.ExpiresAt).HasColumnName("expires_at");
        builder.Property(t => t.RevokedAt).HasColumnName("revoked_at");
        builder.Property(t => t.LastUsedAt).HasColumnName("last_used_at");
        builder.HasIndex(t => t.Hash).IsUnique();
    }
}
