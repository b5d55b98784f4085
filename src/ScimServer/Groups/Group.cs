namespace ScimServer.Groups;

/// <summary>A SCIM Group. Members live in <see cref="GroupMember"/> rows, never inside <see cref="Data"/>.</summary>
public sealed class Group
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public required string DisplayName { get; set; }
    public string? ExternalId { get; set; }
    public required string Data { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset LastModified { get; set; }
    public uint Version { get; set; }
}
