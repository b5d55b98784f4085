namespace ScimServer.Groups;

/// <summary>A SCIM Group. Members live in <see cref="GroupMember"/> rows, never inside <see cref="Data"/>.</summary>
public sealed class Group
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public required string DisplayName { get; set; }
    public string? ExternalId { get; set; }
    public required string Data { get; set; }
    /// <summary>The team's credit limit for each member without a limit of their own, per <see cref="CreditTerms"/>.</summary>
    public long? CreditLimit { get; set; }

    public Accounts.CreditTerms CreditTerms { get; set; } = Accounts.CreditTerms.Contract;

    public DateTimeOffset Created { get; set; }
    public DateTimeOffset LastModified { get; set; }
    public uint Version { get; set; }
}
