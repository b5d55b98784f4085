using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScimServer.Accounts;

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.ToTable("accounts");
        builder.Property(a => a.Id).HasColumnName("id");
        builder.Property(a => a.Name).HasColumnName("name");
        builder.Property(a => a.Created).HasColumnName("created");
        builder.Property(a => a.Tier).HasColumnName("tier").HasConversion<string>();
        builder.Property(a => a.EmailDomains).HasColumnName("email_domains");
        builder.Property(a => a.RestrictDomains).HasColumnName("restrict_domains");
        builder.Property(a => a.RequireNames).HasColumnName("require_names");
        builder.Property(a => a.RequireEmail).HasColumnName("require_email");
        builder.Property(a => a.ViewerAccess).HasColumnName("viewer_access");
        builder.Property(a => a.CreditPool).HasColumnName("credit_pool");
        builder.Property(a => a.ContractStart).HasColumnName("contract_start");
        builder.Property(a => a.ContractEnd).HasColumnName("contract_end");
        builder.Property(a => a.SsoIdp).HasColumnName("sso_idp").HasConversion<string>();
        builder.Property(a => a.SsoStatus).HasColumnName("sso_status").HasConversion<string>();
        builder.Property(a => a.RequireSso).HasColumnName("require_sso");
        builder.Property(a => a.CreditsUsed).HasColumnName("credits_used");
        builder.Property(a => a.CreditsReserved).HasColumnName("credits_reserved");
        builder.Property(a => a.DefaultProductId).HasColumnName("default_product_id");
        builder.Property(a => a.IdpRoleMappings).HasColumnName("idp_role_mappings").HasColumnType("jsonb");
    }
}
