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

    public AttributeDefinition? FindSubAttribute(string name) =>
        SubAttributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The sub-attribute that stands for the element when a complex multi-valued attribute is compared
    /// without naming one (<c>emails eq "x"</c> compares <c>emails.value</c>, RFC 7644 §3.4.2.2).
    /// </summary>
    public AttributeDefinition? ValueSubAttribute => FindSubAttribute("value");
}
