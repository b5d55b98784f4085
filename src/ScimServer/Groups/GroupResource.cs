using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Resources;
using ScimServer.Protocol.Schemas;
using ScimServer.Search;

namespace ScimServer.Groups;

/// <summary>Maps between the stored <see cref="Group"/> and its SCIM representation (RFC 7643 §4.2).</summary>
internal static class GroupResource
{
    public static JsonObject Render(Group group, IEnumerable<MemberRef>? members, string baseUrl)
    {
        var data = JsonNode.Parse(group.Data)!.AsObject();
        var schemas = new JsonArray(ScimSchemaUris.Group);
        if (data.ContainsKey(TeamExtension.Urn))
        {
            schemas.Add(TeamExtension.Urn);
        }
        var resource = new JsonObject { ["schemas"] = schemas, ["id"] = group.Id.ToString() };
        SchemaOrder.CopyInto(resource, data, CoreSchemas.GroupResourceType);
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
        resource["meta"] = Meta.Build("Group", group.Created, group.LastModified, $"{baseUrl}/Groups/{group.Id}", ETag.FromVersion(group.Version));
        return resource;
    }

    /// <summary>
    /// Copies the document into the group's columns, or says why it is not acceptable: a team extension out of
    /// range, or a displayName another group of the account has (teams are told apart by name, credit limits too).
    /// </summary>
    public static async Task<ScimError?> StoreAsync(ScimDbContext db, Group group, JsonObject document, CancellationToken ct)
    {
        if (ResourceNormalizer.Validate(document, CoreSchemas.GroupResourceType) is { } invalid)
        {
            return invalid;
        }
        var name = document["displayName"]!.GetValue<string>();
        if (!string.Equals(name, group.DisplayName, StringComparison.OrdinalIgnoreCase))
        {
            // Two requests naming two groups alike at once: the second waits here for the first to commit, then sees it.
            var lower = name.ToLowerInvariant();
            await NameLock.TakeAsync(db, "group-name", group.AccountId, name, ct);
            var other = await db.Groups.AsNoTracking()
                .Where(g => g.AccountId == group.AccountId && g.Id != group.Id && g.DisplayName.ToLower() == lower)
                .Select(g => new { g.Id, g.DisplayName })
                .FirstOrDefaultAsync(ct);
            if (other is not null)
            {
                return ScimError.Uniqueness($"A group named '{other.DisplayName}' already exists (id {other.Id}); group names are unique in the account (compared case-insensitively).");
            }
        }
        return Store(group, document);
    }

    private static ScimError? Store(Group group, JsonObject document)
    {
        long? limit = null;
        var terms = CreditTerms.Contract;
        if (document[TeamExtension.Urn] is JsonObject team)
        {
            limit = team["creditLimit"]?.GetValue<long>();
            if (limit < 0)
            {
                return ScimError.InvalidValue($"{TeamExtension.Urn}:creditLimit cannot be negative.");
            }
            var termsText = team["creditTerms"]?.GetValueKind() == JsonValueKind.String ? team["creditTerms"]!.GetValue<string>() : null;
            if (termsText is not null && !Enum.TryParse(termsText, ignoreCase: true, out terms))
            {
                return ScimError.InvalidValue($"{TeamExtension.Urn}:creditTerms is '{termsText}'; use Contract, Monthly or Quarterly.");
            }
            team["creditTerms"] = terms.ToString();
        }
        group.CreditLimit = limit;
        group.CreditTerms = terms;
        group.DisplayName = document["displayName"]!.GetValue<string>();
        group.ExternalId = document["externalId"]?.GetValueKind() == JsonValueKind.String ? document["externalId"]!.GetValue<string>() : null;
        group.Data = document.ToJsonString();
        return null;
    }
}
