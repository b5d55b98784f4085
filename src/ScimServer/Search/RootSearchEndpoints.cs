using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using ScimServer.Groups;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Schemas;
using ScimServer.Scim;
using ScimServer.Users;

namespace ScimServer.Search;

/// <summary>
/// POST /.search across all resource types (RFC 7644 §3.4.3): Users first, then Groups, paged over the
/// concatenation. A filter that names attributes of only one type matches nothing of the other.
/// </summary>
public static class RootSearchEndpoints
{
    public static RouteGroupBuilder MapRootSearch(this RouteGroupBuilder scim)
    {
        scim.MapPost("/.search", SearchAll).WithTags("Search").WithName(nameof(SearchAll));
        return scim;
    }

    internal static async Task<ScimResult> SearchAll(
        HttpContext context, [FromServices] ScimCaller caller, [FromServices] ScimUsers userResources, [FromServices] ScimGroups groupResources, CancellationToken ct)
    {
        var userCall = new ScimCall(context, caller, CoreSchemas.UserResourceType);
        var groupCall = new ScimCall(context, caller, CoreSchemas.GroupResourceType);
        var parsed = await ScimQuery.FromBodyAsync(context);
        if (!parsed.IsSuccess)
        {
            return parsed.Error;
        }
        var parameters = parsed.Value;
        if (parameters.Cursor is not null)
        {
            return ScimError.InvalidValue("Cursor paging is per resource type: search with POST /Users/.search or /Groups/.search.");
        }
        // Count both first, then take the requested window out of Users-then-Groups.
        var userCount = await userResources.QueryAsync(userCall, parameters with { Count = 0 }, ct);
        var groupCount = await groupResources.QueryAsync(groupCall, parameters with { Count = 0 }, ct);
        if (!userCount.IsSuccess && !groupCount.IsSuccess)
        {
            return userCount.Error;
        }
        var users = userCount.IsSuccess ? userCount.Value.Total.GetValueOrDefault() : 0;
        var groups = groupCount.IsSuccess ? groupCount.Value.Total.GetValueOrDefault() : 0;
        var resources = new List<JsonNode>();
        var start = parameters.StartIndex;
        var remaining = parameters.Count;
        if (userCount.IsSuccess && start <= users && remaining > 0)
        {
            var page = await userResources.QueryAsync(userCall, parameters with { StartIndex = start, Count = remaining }, ct);
            resources.AddRange(page.Value!.Items);
            remaining -= page.Value.Items.Count;
        }
        if (groupCount.IsSuccess && remaining > 0)
        {
            var groupStart = (int)Math.Max(1, start - users);
            var page = await groupResources.QueryAsync(groupCall, parameters with { StartIndex = groupStart, Count = remaining }, ct);
            if (!page.IsSuccess)
            {
                return page.Error;
            }
            resources.AddRange(page.Value.Items);
        }
        return new ScimResult(200, ListResponse.Build(users + groups, parameters.StartIndex, resources));
    }

}
