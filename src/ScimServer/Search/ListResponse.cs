using System.Text.Json.Nodes;
using ScimServer.Protocol.Messages;

namespace ScimServer.Search;

/// <summary>The ListResponse message of RFC 7644 §3.4.2, and of a cursor page (RFC 9865: nextCursor, no startIndex, totalResults optional).</summary>
public static class ListResponse
{
    public static JsonObject Build(long total, int startIndex, IEnumerable<JsonNode> resources) => Build(total, (int?)startIndex, resources, null);

    public static JsonObject Build(long? total, int? startIndex, IEnumerable<JsonNode> resources, string? nextCursor)
    {
        var array = new JsonArray();
        foreach (var resource in resources)
        {
            array.Add(resource);
        }
        var list = new JsonObject { ["schemas"] = new JsonArray(ScimSchemaUris.ListResponse) };
        if (total is not null)
        {
            list["totalResults"] = total;
        }
        if (startIndex is not null)
        {
            list["startIndex"] = startIndex;
        }
        list["itemsPerPage"] = array.Count;
        if (nextCursor is not null)
        {
            list["nextCursor"] = nextCursor;
        }
        list["Resources"] = array;
        return list;
    }
}
