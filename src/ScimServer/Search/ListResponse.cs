using System.Text.Json.Nodes;
using ScimServer.Protocol.Messages;

namespace ScimServer.Search;

/// <summary>The ListResponse message of RFC 7644 §3.4.2.</summary>
public static class ListResponse
{
    public static JsonObject Build(long total, int startIndex, IEnumerable<JsonNode> resources)
    {
        var array = new JsonArray();
        foreach (var resource in resources)
        {
            array.Add(resource);
        }
        return new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.ListResponse),
            ["totalResults"] = total,
            ["startIndex"] = startIndex,
            ["itemsPerPage"] = array.Count,
            ["Resources"] = array,
        };
    }
}
