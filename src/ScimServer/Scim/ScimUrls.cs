using Microsoft.Extensions.Options;

namespace ScimServer.Scim;

/// <summary>Absolute URLs for meta.location: the configured public base URL, else the (forwarded) request origin.</summary>
public static class ScimUrls
{
    public const string Prefix = "/scim/v2";

    public static string Base(HttpContext context)
    {
        var configured = context.RequestServices.GetRequiredService<IOptions<ScimOptions>>().Value.PublicBaseUrl;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.TrimEnd('/') + Prefix;
        }
        var request = context.Request;
        return $"{request.Scheme}://{request.Host}{request.PathBase}{Prefix}";
    }
}
