using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScimServer.Operators;

public enum OperatorKind
{
    /// <summary>The provider's account team: every account.</summary>
    Staff,

    /// <summary>A customer's admin: their own account only.</summary>
    AccountAdmin,
}

/// <summary>A person (or the product's backend) that signs in to the operator API with a password.</summary>
public sealed class Operator
{
    public Guid Id { get; set; }
    public required string UserName { get; set; }
    public required string PasswordHash { get; set; }
    public OperatorKind Kind { get; set; }
    public Guid? AccountId { get; set; }
    public DateTimeOffset Created { get; set; }
    public int FailedSignIns { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
}

internal sealed class OperatorConfiguration : IEntityTypeConfiguration<Operator>
{
    public void Configure(EntityTypeBuilder<Operator> builder)
    {
        builder.ToTable("operators");
        builder.Property(o => o.Id).HasColumnName("id");
        builder.Property(o => o.UserName).HasColumnName("user_name");
        builder.Property(o => o.PasswordHash).HasColumnName("password_hash");
        builder.Property(o => o.Kind).HasColumnName("kind").HasConversion<string>();
        builder.Property(o => o.AccountId).HasColumnName("account_id");
        builder.Property(o => o.Created).HasColumnName("created");
        builder.Property(o => o.FailedSignIns).HasColumnName("failed_sign_ins");
        builder.Property(o => o.LockedUntil).HasColumnName("locked_until");
    }
}
