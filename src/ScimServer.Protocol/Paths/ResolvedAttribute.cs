using ScimServer.Protocol.Schemas;

namespace ScimServer.Protocol.Paths;

/// <summary>
/// An <see cref="AttributePath"/> bound to its schema. <see cref="Attribute"/> is null when the path names a
/// whole schema extension (a PATCH to <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User</c>).
/// </summary>
public sealed record ResolvedAttribute(SchemaDefinition Schema, bool IsExtension, AttributeDefinition? Attribute, AttributeDefinition? SubAttribute)
{
    /// <summary>The definition the path finally points at: the sub-attribute if named, else the attribute.</summary>
    public AttributeDefinition? Target => SubAttribute ?? Attribute;

    /// <summary>The JSON key of the extension object that holds the attribute, or null for the core schema.</summary>
    public string? ExtensionKey => IsExtension ? Schema.Id : null;
}
