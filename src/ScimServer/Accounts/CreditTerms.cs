namespace ScimServer.Accounts;

/// <summary>How often a team's per-member credit limit starts afresh.</summary>
public enum CreditTerms
{
    /// <summary>Once per contract year (at renewal).</summary>
    Contract,

    /// <summary>On the first day of each calendar month (UTC).</summary>
    Monthly,

    /// <summary>On the first day of each calendar quarter (UTC).</summary>
    Quarterly,
}
