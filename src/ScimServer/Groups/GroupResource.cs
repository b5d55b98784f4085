using System.Text.Json;
using System.Text.Json.Nodes;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Schemas;
using ScimServer.Search;

namespace ScimServer.Groups;

/// <summary>Maps between the stored <see cref="Group"/> and its SCIM representation (RFC 7643 §4.2).</summary>
internal static class GroupResource
{
    public static JsonObject Render(Group group, IEnumerable<MemberRef>? members, string baseUrl)
    {
        var resource = new JsonObject { ["schemas"] = new JsonArray(ScimSchemaUris.Group), ["id"] = group.Id.ToString() };
        SchemaOrder.CopyInto(resource, JsonNode.Parse(group.Data)!.AsObject(), CoreSchemas.GroupResourceType);
        var array = new JsonArray();
        foreach (var member in members ?? [])
        {
            array.Add(new JsonObject
            {
                ["value"] = member.MemberId.ToString(),
                ["$ref"] = $"{baseUrl}/{(member.MemberType == "Group" ? "Groups" : "Users")}/{member.MemberId}",
                ["display"] = member.Display,
                ["type"] = member.MemberType,
            });
        }
        if (array.Count > 0)
        {
            resource["members"] = array;
        }
        resource["meta"] = Meta.Build("Group", group.Created, group.LastModified, $"{baseUrl}/Groups/{group.Id}", group.Version);
        return resource;
    }

    public static void Store(Group group, JsonObject document)
    {
        group.DisplayName = document["displayName"]!.GetValue<string>();
        group.ExternalId = document["externalId"]?.GetValueKind() == JsonValueKind.String ? document["externalId"]!.GetValue<string>() : null;
        group.Data = document.ToJsonString();
    }
}
