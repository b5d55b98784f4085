using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScimServer.Credits;

public enum CreditEntryKind
{
    /// <summary>The product consumed credits for a user.</summary>
    Consume,

    /// <summary>An operator reset a user's usage (amount: the usage cleared).</summary>
    Reset,

    /// <summary>A deactivated user's unused allocation went back to the pool (amount: credits returned).</summary>
    Release,

    /// <summary>A user's own limit changed (amount: the change in reserved credits).</summary>
    Allocate,

    /// <summary>The contract year started again (amount: the new pool).</summary>
    Renew,
}

/// <summary>One movement of credits: what usage reports and the monthly dashboard are built from.</summary>
public sealed class CreditLedgerEntry
{
    public long Id { get; set; }
    public Guid AccountId { get; set; }
    public Guid? UserId { get; set; }
    public DateTimeOffset At { get; set; }
    public CreditEntryKind Kind { get; set; }
    public long Amount { get; set; }
}

internal sealed class CreditLedgerEntryConfiguration : IEntityTypeConfiguration<CreditLedgerEntry>
{
    public void Configure(EntityTypeBuilder<CreditLedgerEntry> builder)
    {
        builder.ToTable("credit_ledger");
        builder.Property(e => e.Id).HasColumnName("id").UseIdentityAlwaysColumn();
        builder.Property(e => e.AccountId).HasColumnName("account_id");
        builder.Property(e => e.UserId).HasColumnName("user_id");
        builder.Property(e => e.At).HasColumnName("at");
        builder.Property(e => e.Kind).HasColumnName("kind").HasConversion<string>();
        builder.Property(e => e.Amount).HasColumnName("amount");
        // Declared so EF inserts a new user before the entries that name it.
        builder.HasOne<Users.User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.SetNull);
    }
}
