using System.Text.Json.Nodes;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Discovery;

/// <summary>Renders schema and resource-type definitions as the resources of RFC 7643 §6 and §7.</summary>
internal static class SchemaRepresentation
{
    public static JsonObject Schema(SchemaDefinition schema, string baseUrl) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemaUris.Schema),
        ["id"] = schema.Id,
        ["name"] = schema.Name,
        ["description"] = schema.Description,
        ["attributes"] = new JsonArray(schema.Attributes.Select(Attribute).ToArray<JsonNode?>()),
        ["meta"] = new JsonObject { ["resourceType"] = "Schema", ["location"] = $"{baseUrl}/Schemas/{schema.Id}" },
    };

    public static JsonObject ResourceType(ResourceTypeDefinition type, string baseUrl) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemaUris.ResourceType),
        ["id"] = type.Name,
        ["name"] = type.Name,
        ["endpoint"] = type.Endpoint,
        ["description"] = type.Description,
        ["schema"] = type.Schema.Id,
        ["schemaExtensions"] = new JsonArray(type.Extensions
            .Select(e => (JsonNode?)new JsonObject { ["schema"] = e.Schema.Id, ["required"] = e.Required }).ToArray()),
        ["meta"] = new JsonObject { ["resourceType"] = "ResourceType", ["location"] = $"{baseUrl}/ResourceTypes/{type.Name}" },
    };

    private static JsonObject Attribute(AttributeDefinition attribute)
    {
        var json = new JsonObject
        {
            ["name"] = attribute.Name,
            ["type"] = Camel(attribute.Type.ToString()),
            ["multiValued"] = attribute.MultiValued,
            ["description"] = attribute.MaxLength is { } limit ? $"{attribute.Description} At most {limit} characters." : attribute.Description,
            ["required"] = attribute.Required,
            ["caseExact"] = attribute.CaseExact,
            ["mutability"] = Camel(attribute.Mutability.ToString()),
            ["returned"] = Camel(attribute.Returned.ToString()),
            ["uniqueness"] = Camel(attribute.Uniqueness.ToString()),
        };
        if (attribute.CanonicalValues.Count > 0)
        {
            json["canonicalValues"] = new JsonArray(attribute.CanonicalValues.Select(v => (JsonNode?)v).ToArray());
        }
        if (attribute.ReferenceTypes.Count > 0)
        {
            json["referenceTypes"] = new JsonArray(attribute.ReferenceTypes.Select(v => (JsonNode?)v).ToArray());
        }
        if (attribute.SubAttributes.Count > 0)
        {
            json["subAttributes"] = new JsonArray(attribute.SubAttributes.Select(Attribute).ToArray<JsonNode?>());
        }
        return json;
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
