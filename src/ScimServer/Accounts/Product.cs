namespace ScimServer.Accounts;

/// <summary>A product the account bought, with a fixed number of seats; each active non-Viewer user takes one.</summary>
public sealed class Product
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }

    /// <summary>What IdPs send in the extension's "product" attribute, compared case-insensitively.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }
    public int Seats { get; set; }

    /// <summary>
    /// Seats taken: the active, non-Viewer, live users of the product. Maintained by <see cref="UserPolicy"/> in
    /// the write's transaction (never set by hand); <c>seats verify</c> recounts it.
    /// </summary>
    public int SeatsUsed { get; set; }
}
