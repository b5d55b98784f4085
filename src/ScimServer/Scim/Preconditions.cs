using Microsoft.Net.Http.Headers;
using ScimServer.Protocol.Messages;

namespace ScimServer.Scim;

/// <summary>If-Match and If-None-Match against a resource's version (RFC 7644 §3.14).</summary>
public static class Preconditions
{
    public static bool HasIfMatch(HttpRequest request) => request.Headers.ContainsKey(HeaderNames.IfMatch);

    /// <summary>True when there is no If-Match, or it names the current version.</summary>
    public static bool IfMatchHolds(HttpRequest request, uint version) =>
        !HasIfMatch(request) || ETag.Matches(request.Headers.IfMatch.ToString(), ETag.FromVersion(version));

    /// <summary>True when If-None-Match names the current version, so the answer is 304.</summary>
    public static bool NotModified(HttpRequest request, uint version) =>
        ETag.Matches(request.Headers.IfNoneMatch.ToString(), ETag.FromVersion(version));

    public static Protocol.Errors.ScimError Failed() =>
        new(412, null, "If-Match does not name the current version of the resource; read it again to get its ETag.");
}
