using System.Diagnostics;
using ScimServer.Hosting;

namespace ScimServer.Scim;

/// <summary>Records every SCIM answer in <see cref="ScimMetrics"/>: its operation (the endpoint name), the caller's IdP kind, status and time.</summary>
public static class ScimRequestMetrics
{
    public static void UseScimRequestMetrics(this WebApplication app) => app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments(ScimUrls.Prefix))
        {
            await next(context);
            return;
        }
        var watch = Stopwatch.StartNew();
        try
        {
            await next(context);
        }
        finally
        {
            var operation = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "unmatched";
            var idp = context.RequestServices.GetService<ScimCaller>()?.IdpKind ?? "none";
            ScimMetrics.Request(operation, idp, context.Response.StatusCode, watch.Elapsed);
        }
    });
}
