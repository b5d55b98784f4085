using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScimServer.Users;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        // Indexes, including the expression and trigram ones EF cannot describe, are in the SQL migrations.
        builder.ToTable("users");
        builder.Property(u => u.Id).HasColumnName("id");
        builder.Property(u => u.AccountId).HasColumnName("account_id");
        builder.Property(u => u.UserName).HasColumnName("user_name");
        builder.Property(u => u.ExternalId).HasColumnName("external_id");
        builder.Property(u => u.DisplayName).HasColumnName("display_name");
        builder.Property(u => u.Active).HasColumnName("active");
        builder.Property(u => u.Email).HasColumnName("email");
        builder.Property(u => u.GivenName).HasColumnName("given_name");
        builder.Property(u => u.FamilyName).HasColumnName("family_name");
        builder.Property(u => u.EmailValues).HasColumnName("email_values");
        builder.Property(u => u.Data).HasColumnName("data").HasColumnType("jsonb");
        builder.Property(u => u.PasswordHash).HasColumnName("password_hash");
        builder.Property(u => u.Created).HasColumnName("created");
        builder.Property(u => u.LastModified).HasColumnName("last_modified");
        builder.Property(u => u.DeletedAt).HasColumnName("deleted_at");
        builder.Property(u => u.Role).HasColumnName("role").HasConversion<string>();
        builder.Property(u => u.ProductId).HasColumnName("product_id");
        builder.Property(u => u.CreditLimit).HasColumnName("credit_limit");
        builder.Property(u => u.CreditsUsed).HasColumnName("credits_used");
        builder.Property(u => u.Source).HasColumnName("source");
        builder.Property(u => u.LastLogin).HasColumnName("last_login");
        builder.Property(u => u.ConnectionId).HasColumnName("connection_id");
        builder.Property(u => u.InvitedAt).HasColumnName("invited_at");
        builder.Property(u => u.SsoSignInAt).HasColumnName("sso_sign_in_at");
        builder.Property(u => u.CreditsPeriodStart).HasColumnName("credits_period_start");
        builder.Property(u => u.Version).IsRowVersion();
    }
}
