using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Patching;
using ScimServer.Protocol.Resources;
using ScimServer.Protocol.Schemas;

namespace ScimServer.Scim;

/// <summary>Reads a SCIM request body: media type (415), size (413) and JSON syntax (400 invalidSyntax).</summary>
public static class ScimRequest
{
    /// <summary>A POST/PUT body, normalized against the resource type's schemas.</summary>
    public static async Task<Result<JsonObject>> ReadResourceAsync(HttpContext context, ResourceTypeDefinition type)
    {
        var body = await ReadBodyAsync(context.Request);
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
        var body = await ReadBodyAsync(context.Request);
        return body.IsSuccess ? PatchRequest.Parse(body.Value) : body.Error;
    }

    /// <param name="maxBytes">The largest body accepted (413 past it); <see cref="ScimOptions.MaxPayloadBytes"/> when not given.</param>
    public static async Task<Result<JsonNode>> ReadBodyAsync(HttpRequest request, int? maxBytes = null)
    {
        var contentType = request.ContentType;
        if (!string.IsNullOrEmpty(contentType) && !IsJson(contentType))
        {
            return new ScimError(415, null, $"Content-Type '{contentType}' is not supported; send application/scim+json (or application/json).");
        }
        var limit = maxBytes ?? request.HttpContext.RequestServices.GetRequiredService<IOptions<ScimOptions>>().Value.MaxPayloadBytes;
        if (request.ContentLength > limit)
        {
            return new ScimError(413, null, $"The request body is {request.ContentLength} bytes; the limit is {limit}.");
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return new ScimError(413, null, $"The request body is larger than the limit of {limit} bytes.");
            }
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
        {
            return ScimError.InvalidSyntax("The request has no body; send a JSON object.");
        }
        try
        {
            var node = JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            if (node is null)
            {
                return ScimError.InvalidSyntax("The body is JSON null; send a JSON object.");
            }
            // Decoding every key and string once here makes duplicate keys and undecodable strings fail at the edge.
            Decode(node);
            return Result<JsonNode>.Ok(node);
        }
        catch (JsonException e)
        {
            return ScimError.InvalidSyntax($"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
        }
        catch (ArgumentException)
        {
            return ScimError.InvalidSyntax("The body names the same attribute twice.");
        }
        catch (InvalidOperationException)
        {
            return ScimError.InvalidSyntax("The body holds a string with an unpaired UTF-16 surrogate escape (\\uD800-\\uDFFF); send valid Unicode.");
        }
    }

    private static void Decode(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    _ = key.Length;
                    if (value is not null)
                    {
                        Decode(value);
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>())
                {
                    Decode(item);
                }
                break;
            default:
                if (node.GetValueKind() == JsonValueKind.String)
                {
                    _ = node.GetValue<string>();
                }
                break;
        }
    }

    private static bool IsJson(string contentType)
    {
        var media = contentType.Split(';')[0].Trim();
        return media.Equals(ScimResult.MediaType, StringComparison.OrdinalIgnoreCase) ||
               media.Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }
}
