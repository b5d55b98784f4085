using Microsoft.Net.Http.Headers;
using ScimServer.Protocol.Messages;

namespace ScimServer.Scim;

/// <summary>If-Match and If-None-Match against a resource's version (RFC 7644 §3.14).</summary>
public static class Preconditions
{
    public static bool HasIfMatch(HttpRequest request) => request.Headers.ContainsKey(HeaderNames.IfMatch);

    /// <summary>True when If-None-Match names the current version (<paramref name="etag"/>), so the answer is 304.</summary>
    public static bool NotModified(HttpRequest request, string etag) =>
        ETag.Matches(request.Headers.IfNoneMatch.ToString(), etag);

    public static Protocol.Errors.ScimError Failed() =>
        new(412, null, "If-Match does not name the current version of the resource; read it again to get its ETag.");
}
