namespace ScimServer.Groups;

/// <summary>A member row as read for a Group representation.</summary>
public sealed class MemberRef
{
    public Guid GroupId { get; set; }
    public Guid MemberId { get; set; }
    public required string MemberType { get; set; }
    public string? Display { get; set; }
}
