using System.Globalization;
using System.Text.Json.Nodes;

namespace ScimServer.Search;

/// <summary>The <c>meta</c> attribute of RFC 7643 §3.1.</summary>
public static class Meta
{
    public static JsonObject Build(string resourceType, DateTimeOffset created, DateTimeOffset lastModified, string location, string etag) => new()
    {
        ["resourceType"] = resourceType,
        ["created"] = Format(created),
        ["lastModified"] = Format(lastModified),
        ["location"] = location,
        ["version"] = etag,
    };

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
