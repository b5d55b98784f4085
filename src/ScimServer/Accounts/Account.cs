namespace ScimServer.Accounts;

/// <summary>A customer account: the tenant every SCIM resource and token belongs to.</summary>
public sealed class Account
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset Created { get; set; }
}
