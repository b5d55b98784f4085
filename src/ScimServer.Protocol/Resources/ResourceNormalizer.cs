using System.Text.Json;
using System.Text.Json.Nodes;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Paths;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Protocol.Resources;

/// <summary>
/// Turns a POST/PUT body into the canonical stored document: core attributes at the top level, each extension's
/// attributes under its schema URN, names spelled as the schema spells them.
/// <c>id</c>, <c>meta</c>, <c>schemas</c> and read-only attributes are ignored as RFC 7644 §3.3 and §3.5.1 direct;
/// attributes no schema defines are ignored too, so an IdP's extra mappings do not break provisioning.
/// </summary>
public static class ResourceNormalizer
{
    public static Result<JsonObject> Normalize(JsonObject input, ResourceTypeDefinition type)
    {
        try
        {
            var document = new JsonObject();
            foreach (var (key, value) in input)
            {
                if (IsEnvelope(key))
                {
                    continue;
                }
                if (type.FindExtension(key) is { } extension)
                {
                    if (value is null)
                    {
                        continue;
                    }
                    if (value is not JsonObject extensionBody)
                    {
                        return ScimError.InvalidValue($"'{extension.Id}' must be an object holding that extension's attributes.");
                    }
                    foreach (var (innerKey, innerValue) in extensionBody)
                    {
                        if (extension.FindAttribute(innerKey) is { } definition)
                        {
                            Set(document, extension.Id, definition, innerValue, extension.Id + ":" + definition.Name);
                        }
                    }
                    continue;
                }
                // Also accept "name.givenName" and URN-qualified names as keys (some IdPs flatten).
                if (AttributePath.TryParse(key) is not { } path || !AttributeResolver.Resolve(type, path).IsSuccess)
                {
                    continue;
                }
                var resolved = AttributeResolver.Resolve(type, path).Value!;
                if (resolved.Attribute is null)
                {
                    continue;
                }
                if (resolved.SubAttribute is null)
                {
                    Set(document, resolved.ExtensionKey, resolved.Attribute, value, path.ToString());
                }
                else if (!resolved.Attribute.MultiValued && resolved.SubAttribute.Mutability != Mutability.ReadOnly)
                {
                    var parent = Container(document, resolved.ExtensionKey, create: true)!;
                    var complex = parent[resolved.Attribute.Name] as JsonObject ?? new JsonObject();
                    parent[resolved.Attribute.Name] = complex;
                    var normalized = ValueNormalizer.Normalize(resolved.SubAttribute, value, path.ToString());
                    if (normalized is not null)
                    {
                        complex[resolved.SubAttribute.Name] = normalized;
                    }
                }
            }
            var check = Validate(document, type);
            return check is null ? Result<JsonObject>.Ok(document) : check;
        }
        catch (Errors.ScimException e)
        {
            return e.Error;
        }
    }

    /// <summary>Rules that hold for every stored document: required attributes present, at most one primary value, length limits.</summary>
    public static ScimError? Validate(JsonObject document, ResourceTypeDefinition type)
    {
        if (TooLong(CommonAttributes.ExternalId, document["externalId"], "externalId") is { } externalId)
        {
            return externalId;
        }
        foreach (var schema in type.AllSchemas)
        {
            var container = schema == type.Schema ? document : document[schema.Id] as JsonObject;
            foreach (var attribute in schema.Attributes)
            {
                var value = container?[attribute.Name];
                if (TooLong(attribute, value, attribute.Name) is { } tooLong)
                {
                    return tooLong;
                }
                if (attribute.Required && container == document && IsEmpty(value))
                {
                    return ScimError.InvalidValue($"'{attribute.Name}' is required for a {type.Name}.");
                }
                if (attribute.MultiValued && value is JsonArray array &&
                    array.Count(v => v is JsonObject o && o["primary"]?.GetValueKind() == JsonValueKind.True) > 1)
                {
                    return ScimError.InvalidValue($"At most one value of '{attribute.Name}' may have \"primary\": true (RFC 7643 §2.4).");
                }
            }
        }
        return null;
    }

    /// <summary>The refusal of a value longer than its attribute's (or, in a multi-valued complex one, a sub-attribute's) limit.</summary>
    private static ScimError? TooLong(AttributeDefinition attribute, JsonNode? value, string path)
    {
        if (attribute.MaxLength is { } limit && value?.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > limit)
        {
            return ScimError.InvalidValue($"'{path}' is {value.GetValue<string>().Length} characters long; at most {limit} are accepted.");
        }
        if (attribute.Type != AttributeType.Complex)
        {
            return null;
        }
        var elements = value is JsonArray array ? array.OfType<JsonObject>() : value is JsonObject single ? [single] : [];
        foreach (var element in elements)
        {
            foreach (var sub in attribute.SubAttributes.Where(a => a.MaxLength is not null))
            {
                if (TooLong(sub, element[sub.Name], path + "." + sub.Name) is { } error)
                {
                    return error;
                }
            }
        }
        return null;
    }

    internal static bool IsEmpty(JsonNode? value) =>
        value is null ||
        (value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length == 0) ||
        value is JsonArray { Count: 0 } ||
        value is JsonObject { Count: 0 };

    /// <summary>The object that holds attributes of a schema: the document, or the extension object under its URN.</summary>
    internal static JsonObject? Container(JsonObject document, string? extensionKey, bool create)
    {
        if (extensionKey is null)
        {
            return document;
        }
        if (document[extensionKey] is JsonObject existing)
        {
            return existing;
        }
        if (!create)
        {
            return null;
        }
        var created = new JsonObject();
        document[extensionKey] = created;
        return created;
    }

    private static void Set(JsonObject document, string? extensionKey, AttributeDefinition definition, JsonNode? value, string path)
    {
        if (definition.Mutability == Mutability.ReadOnly)
        {
            return;
        }
        var normalized = ValueNormalizer.Normalize(definition, value, path);
        var container = Container(document, extensionKey, create: normalized is not null);
        if (container is null)
        {
            return;
        }
        if (normalized is null)
        {
            container.Remove(definition.Name);
        }
        else
        {
            container[definition.Name] = normalized;
        }
    }

    private static bool IsEnvelope(string key) =>
        key.Equals("schemas", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("id", StringComparison.OrdinalIgnoreCase) ||
        key.Equals("meta", StringComparison.OrdinalIgnoreCase);
}
