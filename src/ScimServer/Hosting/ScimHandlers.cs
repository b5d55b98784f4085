using System.Text.Json.Nodes;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Patching;
using ScimServer.Protocol.Resources;
using ScimServer.Protocol.Schemas;
using ScimServer.Search;

namespace ScimServer.Hosting;

/// <summary>The steps every resource endpoint shares: list/search envelopes, body reading, loading for a write.</summary>
public static class ScimHandlers
{
    public delegate Task<Result<ListPage<JsonObject>>> PageQuery(SearchParameters parameters);

    /// <summary>GET /{Resources}: parameters from the query string.</summary>
    public static async Task<ScimResult> ListAsync(HttpContext context, PageQuery query) =>
        await Respond(ScimQuery.FromQuery(context), query);

    /// <summary>POST /{Resources}/.search: parameters from a SearchRequest body.</summary>
    public static async Task<ScimResult> SearchAsync(HttpContext context, PageQuery query) =>
        await Respond(await ScimQuery.FromBodyAsync(context), query);

    /// <summary>A POST/PUT body, normalized against the resource type's schemas.</summary>
    public static async Task<Result<JsonObject>> ReadResourceAsync(HttpContext context, ResourceTypeDefinition type)
    {
        var body = await ScimRequest.ReadBodyAsync(context.Request);
        if (!body.IsSuccess)
        {
            return body.Error;
        }
        return body.Value is JsonObject obj
            ? ResourceNormalizer.Normalize(obj, type)
            : ScimError.InvalidSyntax($"A {type.Name} must be sent as a JSON object.");
    }

    public static async Task<Result<PatchRequest>> ReadPatchAsync(HttpContext context)
    {
        var body = await ScimRequest.ReadBodyAsync(context.Request);
        return body.IsSuccess ? PatchRequest.Parse(body.Value) : body.Error;
    }

    /// <summary>The token's connection decides what a replace through a filter that matches nothing does.</summary>
    public static PatchOptions PatchOptionsOf(HttpContext context) =>
        new(Accounts.ScimAccessFilter.Connection(context).UnmatchedValueFilter == Accounts.UnmatchedValueFilter.Create);

    /// <summary>The entity a write targets, or the refusal: 404 when it is not the account's, 412 when If-Match fails.</summary>
    public static async Task<(T? Entity, ScimResult? Refusal)> LoadForWriteAsync<T>(
        Task<T?> find, HttpRequest request, Func<T, uint> version, string type, string id) where T : class
    {
        var entity = await find;
        if (entity is null)
        {
            return (null, ScimQuery.NotFound(type, id));
        }
        return Preconditions.IfMatchHolds(request, version(entity)) ? (entity, null) : (null, Preconditions.Failed());
    }

    private static async Task<ScimResult> Respond(Result<SearchParameters> parameters, PageQuery query)
    {
        if (!parameters.IsSuccess)
        {
            return parameters.Error;
        }
        var page = await query(parameters.Value);
        return page.IsSuccess
            ? new ScimResult(200, ListResponse.Build(page.Value.Total, parameters.Value.StartIndex, page.Value.Items))
            : page.Error;
    }
}
