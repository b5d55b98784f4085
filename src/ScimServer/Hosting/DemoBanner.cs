namespace ScimServer.Hosting;

/// <summary>What the run command prints once the server listens: the demo account's token, minted at start.</summary>
public sealed class DemoBanner
{
    public string? Token { get; set; }
    public string? AccountName { get; set; }
}
