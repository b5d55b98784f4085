using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScimServer.Groups;

internal sealed class GroupMemberConfiguration : IEntityTypeConfiguration<GroupMember>
{
    public void Configure(EntityTypeBuilder<GroupMember> builder)
    {
        builder.ToTable("group_members");
        builder.HasKey(m => new { m.GroupId, m.MemberId });
        builder.Property(m => m.GroupId).HasColumnName("group_id");
        builder.Property(m => m.MemberId).HasColumnName("member_id");
        builder.Property(m => m.MemberType).HasColumnName("member_type");
        builder.Property(m => m.AccountId).HasColumnName("account_id");
        builder.Property(m => m.Added).HasColumnName("added");
    }
}
