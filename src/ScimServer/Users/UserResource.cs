using System.Text.Json;
using System.Text.Json.Nodes;
using ScimServer.Accounts;
using ScimServer.Groups;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Schemas;
using ScimServer.Search;

namespace ScimServer.Users;

/// <summary>Maps between the stored <see cref="User"/> and its SCIM representation (RFC 7643 §4.1).</summary>
internal static class UserResource
{
    /// <param name="groups">All the user's groups: they are part of its version even when the response leaves them out.</param>
    public static JsonObject Render(User user, IReadOnlyList<GroupRef> groups, string baseUrl)
    {
        var data = JsonNode.Parse(user.Data)!.AsObject();
        var schemas = new JsonArray(ScimSchemaUris.User);
        foreach (var extension in CoreSchemas.UserResourceType.Extensions.Where(e => data.ContainsKey(e.Schema.Id)))
        {
            schemas.Add(extension.Schema.Id);
        }
        if (data[AccountExtension.Urn] is JsonObject account)
        {
            // Computed attributes come from the columns, never from what a client once sent.
            account["creditsUsed"] = user.CreditsUsed;
            account["status"] = UserLifecycle.StatusName(user);
            SetTime(account, "invitationExpires", UserLifecycle.InvitationExpires(user));
            SetTime(account, "lastLogin", user.LastLogin);
        }
        var resource = new JsonObject { ["schemas"] = schemas, ["id"] = user.Id.ToString() };
        SchemaOrder.CopyInto(resource, data, CoreSchemas.UserResourceType);
        var groupArray = new JsonArray();
        foreach (var group in groups)
        {
            groupArray.Add(new JsonObject
            {
                ["value"] = group.GroupId.ToString(),
                ["$ref"] = $"{baseUrl}/Groups/{group.GroupId}",
                ["display"] = group.DisplayName,
                ["type"] = "direct",
            });
        }
        if (groupArray.Count > 0)
        {
            resource["groups"] = groupArray;
        }
        resource["meta"] = Meta.Build("User", user.Created, user.LastModified, $"{baseUrl}/Users/{user.Id}", UserVersion.Of(user.Version, groups));
        return resource;
    }

    /// <summary>Writes the user's own credit limit into our extension (or removes it), so SCIM reads show what applies.</summary>
    public static void SetCreditLimit(JsonObject document, long? limit)
    {
        if (document[AccountExtension.Urn] is not JsonObject extension)
        {
            if (limit is null)
            {
                return;
            }
            document[AccountExtension.Urn] = extension = [];
        }
        if (limit is { } value)
        {
            extension["creditLimit"] = value;
        }
        else
        {
            extension.Remove("creditLimit");
        }
    }

    /// <summary>Copies the attributes IdPs filter on from the document into their indexed columns.</summary>
    public static void Store(User user, JsonObject document)
    {
        user.UserName = document["userName"]!.GetValue<string>();
        user.ExternalId = Text(document["externalId"]);
        user.DisplayName = Text(document["displayName"]);
        user.Active = document["active"]?.GetValueKind() != JsonValueKind.False;
        user.EmailValues = (document["emails"] as JsonArray ?? [])
            .Select(e => Text(e?["value"])?.ToLowerInvariant())
            .OfType<string>()
            .Distinct()
            .ToArray();
        user.Data = document.ToJsonString();
    }

    private static void SetTime(JsonObject target, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            target[name] = Meta.Format(time);
        }
        else
        {
            target.Remove(name);
        }
    }

    private static string? Text(JsonNode? node) => node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
}
