namespace ScimServer.Protocol.Schemas;

/// <summary>
/// <c>id</c>, <c>externalId</c> and <c>meta</c>: on every resource but part of no schema (RFC 7643 §3.1).
/// Attribute paths resolve them as if they belonged to the core schema.
/// </summary>
public static class CommonAttributes
{
    public static readonly AttributeDefinition Id = Attr.Str("id", "Unique identifier for the resource, assigned by the service provider.", caseExact: true) with
    {
        Mutability = Mutability.ReadOnly,
        Returned = Returned.Always,
        Uniqueness = Uniqueness.Server,
    };

    public static readonly AttributeDefinition ExternalId =
        Attr.Str("externalId", "Identifier of the resource as defined by the provisioning client.", caseExact: true) with
        {
            MaxLength = AttributeDefinition.IndexedTextLimit,
        };

    public static readonly AttributeDefinition Meta = Attr.Complex(
        "meta",
        "Resource metadata maintained by the service provider.",
        Attr.Str("resourceType", "The name of the resource type of the resource.", caseExact: true) with { Mutability = Mutability.ReadOnly },
        new AttributeDefinition("created", AttributeType.DateTime) { Description = "When the resource was added.", Mutability = Mutability.ReadOnly },
        new AttributeDefinition("lastModified", AttributeType.DateTime) { Description = "When the resource was last changed.", Mutability = Mutability.ReadOnly },
        Attr.Ref("location", "The URI of the resource.", "uri") with { Mutability = Mutability.ReadOnly },
        Attr.Str("version", "The version (entity tag) of the resource.", caseExact: true) with { Mutability = Mutability.ReadOnly }) with
    {
        Mutability = Mutability.ReadOnly,
    };

    public static readonly IReadOnlyList<AttributeDefinition> All = [Id, ExternalId, Meta];

    public static AttributeDefinition? Find(string name) =>
        All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}
