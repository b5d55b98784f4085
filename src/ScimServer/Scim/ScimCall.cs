using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Protocol.Resources;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Scim;

/// <summary>
/// One SCIM request (or one operation of a /Bulk request) as a resource type sees it: the caller, the attributes
/// the response shows, the base URL for locations, and the If-Match it names, read once at the edge.
/// </summary>
public sealed class ScimCall(ScimCaller caller, ResourceTypeDefinition type, AttributeSelection selection, string baseUrl, bool asksForAttributes, string? ifMatch)
{
    public ScimCall(HttpContext context, ScimCaller caller, ResourceTypeDefinition type)
        : this(caller, type, ScimQuery.Selection(context.Request, type), ScimUrls.Base(context), ScimQuery.AsksForAttributes(context.Request),
            Preconditions.HasIfMatch(context.Request) ? context.Request.Headers.IfMatch.ToString() : null)
    {
    }

    public ScimCaller Caller { get; } = caller;
    public AttributeSelection Selection { get; } = selection;
    public string BaseUrl { get; } = baseUrl;

    /// <summary>The request asked for attributes (a group PATCH then answers 200 with the group instead of 204).</summary>
    public bool AsksForAttributes { get; } = asksForAttributes;

    public bool HasIfMatch => ifMatch is not null;

    /// <summary>
    /// The entity a write targets, or the refusal: 404 when it is not the account's (null), 412 when If-Match names
    /// another version.
    /// </summary>
    public Result<T> Target<T>(T? entity, Func<T, string> etag, string id) where T : class =>
        entity is null ? ScimQuery.NotFound(type.Name, id)
        : ifMatch is null || ETag.Matches(ifMatch, etag(entity)) ? Result<T>.Ok(entity)
        : Preconditions.Failed();
}
