using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Schemas;
using ScimServer.Scim;
using ScimServer.Search;
using ScimServer.Tokens;

namespace ScimServer.Discovery;

/// <summary>
/// /ServiceProviderConfig, /ResourceTypes and /Schemas (RFC 7644 §4). They describe the server, not an account,
/// so they answer without a token; they are built from the same definitions the server enforces.
/// </summary>
public static class DiscoveryEndpoints
{
    public static RouteGroupBuilder MapDiscovery(this RouteGroupBuilder scim)
    {
        var discovery = scim.MapGroup("/").WithTags("Discovery").AllowAnonymous();
        discovery.MapGet("/ServiceProviderConfig", GetServiceProviderConfig).WithName(nameof(GetServiceProviderConfig));
        discovery.MapGet("/ResourceTypes", ListResourceTypes).WithName(nameof(ListResourceTypes));
        discovery.MapGet("/ResourceTypes/{name}", GetResourceType).WithName(nameof(GetResourceType));
        discovery.MapGet("/Schemas", ListSchemas).WithName(nameof(ListSchemas));
        discovery.MapGet("/Schemas/{id}", GetSchema).WithName(nameof(GetSchema));
        return scim;
    }

    internal static ScimResult GetServiceProviderConfig(HttpContext context, IOptions<ScimOptions> options)
    {
        var baseUrl = ScimUrls.Base(context);
        var config = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.ServiceProviderConfig),
            ["documentationUri"] = "https://datatracker.ietf.org/doc/html/rfc7644",
            ["patch"] = new JsonObject { ["supported"] = true },
            ["bulk"] = new JsonObject { ["supported"] = true, ["maxOperations"] = options.Value.BulkMaxOperations, ["maxPayloadSize"] = options.Value.BulkMaxPayloadBytes },
            ["filter"] = new JsonObject { ["supported"] = true, ["maxResults"] = options.Value.MaxPageSize },

            ["changePassword"] = new JsonObject { ["supported"] = true },
            ["sort"] = new JsonObject { ["supported"] = true },
            ["etag"] = new JsonObject { ["supported"] = true },
            ["authenticationSchemes"] = new JsonArray(new JsonObject
            {
                ["type"] = "oauthbearertoken",
                ["name"] = "Bearer token",
                ["description"] = "A SCIM token issued to the account, sent as 'Authorization: Bearer <token>'.",
                ["specUri"] = "https://datatracker.ietf.org/doc/html/rfc6750",
                ["primary"] = true,
            }),
            ["meta"] = new JsonObject { ["resourceType"] = "ServiceProviderConfig", ["location"] = $"{baseUrl}/ServiceProviderConfig" },
        };
        if (options.Value.AdvertisePagination)
        {
            // RFC 9865 §4: both methods; index stays the default so the IdPs that page by startIndex see no change.
            config["pagination"] = new JsonObject
            {
                ["cursor"] = true,
                ["index"] = true,
                ["defaultPaginationMethod"] = "index",
                ["defaultPageSize"] = options.Value.DefaultPageSize,
                ["maxPageSize"] = options.Value.MaxPageSize,
                ["cursorTimeout"] = options.Value.CursorTimeoutSeconds,
            };
        }
        return new ScimResult(200, config);
    }

    internal static ScimResult ListResourceTypes(HttpContext context) =>
        FilterRefused(context) ?? List(CoreSchemas.ResourceTypes.Select(t => SchemaRepresentation.ResourceType(t, ScimUrls.Base(context))));

    internal static ScimResult GetResourceType(string name, HttpContext context)
    {
        var type = CoreSchemas.ResourceTypes.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
        return type is null
            ? ScimResult.Error(ScimError.NotFound($"Resource type '{name}' does not exist; this server has: {string.Join(", ", CoreSchemas.ResourceTypes.Select(t => t.Name))}."))
            : new ScimResult(200, SchemaRepresentation.ResourceType(type, ScimUrls.Base(context)));
    }

    internal static async Task<ScimResult> ListSchemas(HttpContext context, ScimDbContext db)
    {
        if (FilterRefused(context) is { } refused)
        {
            return refused;
        }
        var products = await ProductCodesAsync(context, db);
        return List(CoreSchemas.All.Select(s => Schema(s, ScimUrls.Base(context), products)));
    }

    internal static async Task<ScimResult> GetSchema(string id, HttpContext context, ScimDbContext db)
    {
        var schema = CoreSchemas.All.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));
        return schema is null
            ? ScimResult.Error(ScimError.NotFound($"Schema '{id}' does not exist; this server has: {string.Join(", ", CoreSchemas.All.Select(s => s.Id))}."))
            : new ScimResult(200, Schema(schema, ScimUrls.Base(context), await ProductCodesAsync(context, db)));
    }

    /// <summary>
    /// The schema as served. Our extension's product codes are the account's own, so a caller with a SCIM token
    /// sees them as canonicalValues (generic clients pick a valid product); without a token the list stays empty.
    /// </summary>
    private static JsonObject Schema(SchemaDefinition schema, string baseUrl, IReadOnlyList<string>? products)
    {
        var json = SchemaRepresentation.Schema(schema, baseUrl);
        if (products is { Count: > 0 } && schema == AccountExtension.Schema
            && json["attributes"] is JsonArray attributes
            && attributes.OfType<JsonObject>().FirstOrDefault(a => a["name"]?.GetValue<string>() == "product") is { } product)
        {
            product["canonicalValues"] = new JsonArray(products.Select(p => (JsonNode?)p).ToArray());
        }
        return json;
    }

    private static async Task<IReadOnlyList<string>?> ProductCodesAsync(HttpContext context, ScimDbContext db)
    {
        if (string.IsNullOrEmpty(context.Request.Headers.Authorization))
        {
            return null;
        }
        var auth = await context.AuthenticateAsync(ScimTokenDefaults.Scheme);
        if (!auth.Succeeded)
        {
            return null;
        }
        var accountId = auth.Principal.AccountId();
        return await db.Products.AsNoTracking().Where(p => p.AccountId == accountId).OrderBy(p => p.Code).Select(p => p.Code).ToListAsync(context.RequestAborted);
    }

    private static ScimResult List(IEnumerable<JsonObject> resources)
    {
        var list = resources.ToList();
        return new ScimResult(200, ListResponse.Build(list.Count, 1, list));
    }

    // RFC 7644 §4: discovery endpoints do not filter; a request with a filter gets 403.
    private static ScimResult? FilterRefused(HttpContext context) =>
        context.Request.Query.ContainsKey("filter")
            ? ScimResult.Error(new ScimError(403, null, "Discovery endpoints do not support filtering (RFC 7644 §4); list them without 'filter'."))
            : null;
}
