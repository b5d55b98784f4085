using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Protocol.Paths;

/// <summary>Binds attribute paths to a resource type's schemas, case-insensitively (RFC 7643 §2.1).</summary>
public static class AttributeResolver
{
    /// <summary>Why a name is no sub-attribute of a complex attribute, naming the ones it has.</summary>
    public static string NotASubAttribute(AttributeDefinition parent, string name) =>
        $"'{name}' is not a sub-attribute of '{parent.Name}'; it has: {string.Join(", ", parent.SubAttributes.Select(a => a.Name))}.";

    public static Result<ResolvedAttribute> Resolve(ResourceTypeDefinition type, AttributePath path)
    {
        if (path.SchemaUrn is not null)
        {
            // A bare extension URN splits as "urn:…:2.0" + "User": recognise the whole-extension form first.
            if (path.SubAttribute is null && type.FindExtension(path.SchemaUrn + ":" + path.Name) is { } whole)
            {
                return Result<ResolvedAttribute>.Ok(new ResolvedAttribute(whole, true, null, null));
            }
            if (string.Equals(path.SchemaUrn, type.Schema.Id, StringComparison.OrdinalIgnoreCase))
            {
                return Bind(type.Schema, isExtension: false, path);
            }
            if (type.FindExtension(path.SchemaUrn) is { } extension)
            {
                return Bind(extension, isExtension: true, path);
            }
            return ScimError.InvalidPath(
                $"Schema '{path.SchemaUrn}' is not a schema of the {type.Name} resource type; " +
                $"use one of: {string.Join(", ", type.AllSchemas.Select(s => s.Id))}.");
        }
        return Bind(type.Schema, isExtension: false, path);
    }

    private static Result<ResolvedAttribute> Bind(SchemaDefinition schema, bool isExtension, AttributePath path)
    {
        var attribute = schema.FindAttribute(path.Name) ?? (isExtension ? null : CommonAttributes.Find(path.Name));
        if (attribute is null)
        {
            return ScimError.InvalidPath($"Attribute '{path}' is not defined in schema {schema.Id}.");
        }
        if (path.SubAttribute is null)
        {
            return Result<ResolvedAttribute>.Ok(new ResolvedAttribute(schema, isExtension, attribute, null));
        }
        if (attribute.Type != AttributeType.Complex)
        {
            return ScimError.InvalidPath($"Attribute '{attribute.Name}' is not complex, so '{path}' names no sub-attribute.");
        }
        var sub = attribute.FindSubAttribute(path.SubAttribute);
        if (sub is null)
        {
            return ScimError.InvalidPath(
                $"'{path.SubAttribute}' is not a sub-attribute of '{attribute.Name}'; it has: {string.Join(", ", attribute.SubAttributes.Select(a => a.Name))}.");
        }
        return Result<ResolvedAttribute>.Ok(new ResolvedAttribute(schema, isExtension, attribute, sub));
    }
}
