using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScimServer.Groups;

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> builder)
    {
        builder.ToTable("groups");
        builder.Property(g => g.Id).HasColumnName("id");
        builder.Property(g => g.AccountId).HasColumnName("account_id");
        builder.Property(g => g.DisplayName).HasColumnName("display_name");
        builder.Property(g => g.ExternalId).HasColumnName("external_id");
        builder.Property(g => g.Data).HasColumnName("data").HasColumnType("jsonb");
        builder.Property(g => g.CreditLimit).HasColumnName("credit_limit");
        builder.Property(g => g.CreditTerms).HasColumnName("credit_terms").HasConversion<string>();
        builder.Property(g => g.Created).HasColumnName("created");
        builder.Property(g => g.LastModified).HasColumnName("last_modified");
        builder.Property(g => g.Version).IsRowVersion();
    }
}
