using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Resources;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Scim;

/// <summary>
/// One SCIM request as a resource type sees it: the caller, the attributes the response shows, the base URL for
/// locations, and the request's If-Match, read once at the edge.
/// </summary>
public sealed class ScimCall(HttpContext context, ScimCaller caller, ResourceTypeDefinition type)
{
    public ScimCaller Caller { get; } = caller;
    public AttributeSelection Selection { get; } = ScimQuery.Selection(context.Request, type);
    public string BaseUrl { get; } = ScimUrls.Base(context);

    /// <summary>The request asked for attributes (a group PATCH then answers 200 with the group instead of 204).</summary>
    public bool AsksForAttributes { get; } = ScimQuery.AsksForAttributes(context.Request);

    public bool HasIfMatch { get; } = Preconditions.HasIfMatch(context.Request);

    private readonly HttpRequest _request = context.Request;

    /// <summary>
    /// The entity a write targets, or the refusal: 404 when it is not the account's (null), 412 when If-Match names
    /// another version.
    /// </summary>
    public Result<T> Target<T>(T? entity, Func<T, uint> version, string id) where T : class =>
        entity is null ? ScimQuery.NotFound(type.Name, id)
        : Preconditions.IfMatchHolds(_request, version(entity)) ? Result<T>.Ok(entity)
        : Preconditions.Failed();
}
