namespace ScimServer.Persistence;

/// <summary>What the run command prints once the server listens: the demo account's token, minted at start.</summary>
public sealed class DemoBanner
{
    public string? Token { get; set; }
    public string? AccountName { get; set; }
    public Guid AccountId { get; set; }

    /// <summary>The demo account's Admin operator for the operator API; the password is new at each start.</summary>
    public string? OperatorName { get; set; }
    public string? OperatorPassword { get; set; }
}
