using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ScimServer.Protocol.Bulk;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;
using ScimServer.Scim;

namespace ScimServer.Bulk;

/// <summary>
/// POST /Bulk (RFC 7644 §3.7). The message as a whole is refused only when it is not a BulkRequest or is past the
/// limits (413, naming them); otherwise it answers 200 with every operation's own outcome (<see cref="BulkRunner"/>).
/// </summary>
public static class BulkEndpoints
{
    public static RouteGroupBuilder MapBulk(this RouteGroupBuilder scim)
    {
        scim.MapPost("/Bulk", BulkAsync).WithName("Bulk").WithTags("Bulk");
        return scim;
    }

    internal static async Task<ScimResult> BulkAsync(HttpContext context, [FromServices] BulkRunner runner, IOptions<ScimOptions> options, CancellationToken ct)
    {
        var limits = options.Value;
        var body = await ScimRequest.ReadBodyAsync(context.Request, limits.BulkMaxPayloadBytes);
        if (!body.IsSuccess)
        {
            return body.Error.Status == 413
                ? new ScimError(413, null, $"The bulk request is larger than maxPayloadSize ({limits.BulkMaxPayloadBytes} bytes, see /ServiceProviderConfig); split it into several bulk requests.")
                : body.Error;
        }
        var request = BulkRequest.Parse(body.Value, limits.BulkMaxOperations);
        if (!request.IsSuccess)
        {
            return request.Error;
        }
        var results = await runner.RunAsync(request.Value, ScimUrls.Base(context), ct);
        var operations = new JsonArray();
        foreach (var result in results)
        {
            operations.Add(result);
        }
        return new ScimResult(200, new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.BulkResponse),
            ["Operations"] = operations,
        });
    }
}
