namespace ScimServer.Groups;

/// <summary>One membership: a User or a Group inside a Group. Changed set-based, one row at a time.</summary>
public sealed class GroupMember
{
    public Guid GroupId { get; set; }
    public Guid MemberId { get; set; }
    public required string MemberType { get; set; }
    public Guid AccountId { get; set; }
    public DateTimeOffset Added { get; set; }
}
