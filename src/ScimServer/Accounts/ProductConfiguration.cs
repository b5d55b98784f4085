using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScimServer.Accounts;

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> builder)
    {
        builder.ToTable("products");
        builder.Property(p => p.Id).HasColumnName("id");
        builder.Property(p => p.AccountId).HasColumnName("account_id");
        builder.Property(p => p.Code).HasColumnName("code");
        builder.Property(p => p.Name).HasColumnName("name");
        builder.Property(p => p.Seats).HasColumnName("seats");
        builder.Property(p => p.SeatsUsed).HasColumnName("seats_used");
    }
}
