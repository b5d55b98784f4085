namespace ScimServer.Protocol.Schemas;

/// <summary>One attribute of a schema, with the characteristics of RFC 7643 §2.2 and §7.</summary>
public sealed record AttributeDefinition(string Name, AttributeType Type)
{
    public bool MultiValued { get; init; }
    public bool Required { get; init; }
    public bool CaseExact { get; init; }
    public Mutability Mutability { get; init; } = Mutability.ReadWrite;
    public Returned Returned { get; init; } = Returned.Default;
    public Uniqueness Uniqueness { get; init; } = Uniqueness.None;
    public string Description { get; init; } = "";
    public IReadOnlyList<string> CanonicalValues { get; init; } = [];
    public IReadOnlyList<string> ReferenceTypes { get; init; } = [];
    public IReadOnlyList<AttributeDefinition> SubAttributes { get; init; } = [];

    /// <summary>
    /// The longest string value accepted, in characters (UTF-16 code units), for attributes the server indexes:
    /// PostgreSQL refuses index rows over about 2.7 KB, and no real identifier comes near this.
    /// </summary>
    public int? MaxLength { get; init; }

    /// <summary>The limit for indexed identifiers and names (userName, externalId, displayName).</summary>
    public const int IndexedTextLimit = 256;

    /// <summary>The limit for email addresses (64-character local part, '@', 255-character domain).</summary>
    public const int EmailLimit = 320;

    public AttributeDefinition? FindSubAttribute(string name) =>
        SubAttributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The sub-attribute that stands for the element when a complex multi-valued attribute is compared
    /// without naming one (<c>emails eq "x"</c> compares <c>emails.value</c>, RFC 7644 §3.4.2.2).
    /// </summary>
    public AttributeDefinition? ValueSubAttribute => FindSubAttribute("value");
}
