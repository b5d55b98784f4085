using System.Text.Json.Nodes;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Search;

/// <summary>
/// Copies a stored document into a representation in schema order (jsonb keeps keys sorted by length, which
/// reads badly): externalId, the core attributes as the schema lists them, then each extension.
/// </summary>
public static class SchemaOrder
{
    public static void CopyInto(JsonObject target, JsonObject document, ResourceTypeDefinition type)
    {
        foreach (var name in type.Schema.Attributes.Select(a => a.Name).Prepend("externalId").Concat(type.Extensions.Select(e => e.Schema.Id)))
        {
            if (document[name] is { } value)
            {
                target[name] = value.DeepClone();
            }
        }
    }
}
