using Microsoft.AspNetCore.Mvc;
using ScimServer.Persistence;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Schemas;
using ScimServer.Search;

namespace ScimServer.Scim;

/// <summary>
/// The seven endpoints of a resource type (RFC 7644 §3.2–§3.6), written once for every <see cref="IScimResource"/>:
/// list, search and read, and the writes, each run as one unit of work. Endpoint names (ListUsers, PatchGroup, …)
/// are the audit log's action names.
/// </summary>
public static class ScimResources
{
    /// <summary>Maps <paramref name="type"/>, served by <typeparamref name="T"/>, under its endpoint; its name names the routes.</summary>
    public static RouteGroupBuilder MapResource<T>(this RouteGroupBuilder scim, ResourceTypeDefinition type) where T : class, IScimResource
    {
        var (one, many) = (type.Name, type.Endpoint.TrimStart('/'));
        // The handlers are not generic (the build-time endpoint generator cannot take generic ones): each request
        // resolves the resource type's scoped service once.
        var group = scim.MapGroup(type.Endpoint).WithTags(many).WithMetadata(new ResourceMetadata(typeof(T)));
        group.MapGet("/", ListAsync).WithName("List" + many);
        group.MapPost("/.search", SearchAsync).WithName("Search" + many);
        group.MapGet("/{id}", GetAsync).WithName("Get" + one);
        group.MapPost("/", CreateAsync).WithName("Create" + one);
        group.MapPut("/{id}", ReplaceAsync).WithName("Replace" + one);
        group.MapPatch("/{id}", PatchAsync).WithName("Patch" + one);
        group.MapDelete("/{id}", DeleteAsync).WithName("Delete" + one);
        return scim;
    }

    /// <summary>Which <see cref="IScimResource"/> an endpoint serves.</summary>
    private sealed record ResourceMetadata(Type Resource);

    private static IScimResource Resource(HttpContext context) =>
        (IScimResource)context.RequestServices.GetRequiredService(context.GetEndpoint()!.Metadata.GetRequiredMetadata<ResourceMetadata>().Resource);

    /// <summary>GET /{Resources}: parameters from the query string.</summary>
    internal static async Task<ScimResult> ListAsync(HttpContext context, [FromServices] ScimCaller caller, CancellationToken ct) =>
        await PageAsync(context, caller, ScimQuery.FromQuery(context), ct);

    /// <summary>POST /{Resources}/.search: parameters from a SearchRequest body.</summary>
    internal static async Task<ScimResult> SearchAsync(HttpContext context, [FromServices] ScimCaller caller, CancellationToken ct) =>
        await PageAsync(context, caller, await ScimQuery.FromBodyAsync(context), ct);

    internal static async Task<ScimResult> GetAsync(string id, HttpContext context, [FromServices] ScimCaller caller, CancellationToken ct)
    {
        var resource = Resource(context);
        var call = new ScimCall(context, caller, resource.Type);
        var found = await resource.FindAsync(call, id, ct);
        if (!found.IsSuccess)
        {
            return found.Error;
        }
        if (found.Value.ETag is { } etag && Preconditions.NotModified(context.Request, etag))
        {
            return new ScimResult(304, null, etag);
        }
        return Respond(call, found.Value, 200);
    }

    internal static Task<ScimResult> CreateAsync(HttpContext context, [FromServices] ScimCaller caller, WriteUnit unit, CancellationToken ct) =>
        WriteBodyAsync(context, caller, unit, ScimRequest.ReadResourceAsync, (resource, call, body, token) => resource.CreateAsync(call, body, token), 201, ct);

    internal static Task<ScimResult> ReplaceAsync(string id, HttpContext context, [FromServices] ScimCaller caller, WriteUnit unit, CancellationToken ct) =>
        WriteBodyAsync(context, caller, unit, ScimRequest.ReadResourceAsync, (resource, call, body, token) => resource.ReplaceAsync(call, id, body, token), 200, ct);

    internal static Task<ScimResult> PatchAsync(string id, HttpContext context, [FromServices] ScimCaller caller, WriteUnit unit, CancellationToken ct) =>
        WriteBodyAsync(context, caller, unit, (http, _) => ScimRequest.ReadPatchAsync(http), (resource, call, body, token) => resource.PatchAsync(call, id, body, token), 200, ct);

    internal static async Task<ScimResult> DeleteAsync(string id, HttpContext context, [FromServices] ScimCaller caller, WriteUnit unit, CancellationToken ct)
    {
        var resource = Resource(context);
        var call = new ScimCall(context, caller, resource.Type);
        return await WriteAsync(call, unit, token => resource.DeleteAsync(call, id, token), 204, ct);
    }

    /// <summary>Reads and checks the body first (nothing is written for a bad one), then writes with it.</summary>
    private static async Task<ScimResult> WriteBodyAsync<TBody>(
        HttpContext context, ScimCaller caller, WriteUnit unit, Func<HttpContext, ResourceTypeDefinition, Task<Result<TBody>>> read,
        Func<IScimResource, ScimCall, TBody, CancellationToken, Task<Result<Shown>>> write, int status, CancellationToken ct)
    {
        var resource = Resource(context);
        var body = await read(context, resource.Type);
        if (!body.IsSuccess)
        {
            return body.Error;
        }
        var call = new ScimCall(context, caller, resource.Type);
        return await WriteAsync(call, unit, token => write(resource, call, body.Value, token), status, ct);
    }

    /// <summary>The write in a unit of work (a lost race is retried unless If-Match was sent), then its response.</summary>
    private static async Task<ScimResult> WriteAsync(ScimCall call, WriteUnit unit, Func<CancellationToken, Task<Result<Shown>>> write, int status, CancellationToken ct)
    {
        var outcome = (await unit.RunAsync(call.HasIfMatch, write, shown => shown.Resource is null ? 204 : status, ct)).AsResult();
        return outcome.IsSuccess ? Respond(call, outcome.Value, status) : outcome.Error;
    }

    /// <summary>The resource with the selected attributes, its ETag, and the Location of a created one; 204 when nothing is shown.</summary>
    private static ScimResult Respond(ScimCall call, Shown shown, int status)
    {
        var etag = shown.ETag;
        if (shown.Resource is null)
        {
            return ScimResult.NoContent(etag);
        }
        var location = status == 201 ? shown.Resource["meta"]?["location"]?.GetValue<string>() : null;
        return new ScimResult(status, call.Selection.Apply(shown.Resource), etag, location);
    }

    private static async Task<ScimResult> PageAsync(HttpContext context, ScimCaller caller, Result<SearchParameters> parameters, CancellationToken ct)
    {
        var resource = Resource(context);
        if (!parameters.IsSuccess)
        {
            return parameters.Error;
        }
        var page = await resource.QueryAsync(new ScimCall(context, caller, resource.Type), parameters.Value, ct);
        if (!page.IsSuccess)
        {
            return page.Error;
        }
        var (total, items, next) = page.Value;
        return new ScimResult(200, parameters.Value.Cursor is null
            ? ListResponse.Build(total.GetValueOrDefault(), parameters.Value.StartIndex, items)
            : ListResponse.Build(total, null, items, next));
    }
}
