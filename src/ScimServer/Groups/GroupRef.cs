namespace ScimServer.Groups;

/// <summary>A group of a user, as read for the User's "groups" attribute.</summary>
public sealed class GroupRef
{
    public Guid MemberId { get; set; }
    public Guid GroupId { get; set; }
    public required string DisplayName { get; set; }
}
