using System.Text.Json;
using System.Text.Json.Nodes;
using ScimServer.Protocol.Errors;
using ScimServer.Protocol.Messages;

namespace ScimServer.Scim;

/// <summary>An <c>application/scim+json</c> (or, when asked for, <c>application/json</c>) response with optional ETag and Location headers.</summary>
public sealed class ScimResult(int status, JsonNode? body, string? etag = null, string? location = null, ScimError? error = null) : IResult
{
    public const string MediaType = "application/scim+json";

    // JSON, never HTML: quotes and apostrophes in details stay readable instead of becoming \u0027.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public int Status { get; } = status;

    public static ScimResult Error(ScimError error) => new(error.Status, ErrorMessage.ToJson(error), error: error);

    public static ScimResult NoContent(string? etag = null) => new(StatusCodes.Status204NoContent, null, etag);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Status;
        if (error is not null)
        {
            Audit.AuditMiddleware.NoteRefusal(httpContext, error.ScimType, error.Detail);
        }
        if (etag is not null)
        {
            response.Headers.ETag = etag;
        }
        if (location is not null)
        {
            response.Headers.Location = location;
        }
        if (body is null)
        {
            return;
        }
        response.ContentType = ResponseMediaType(httpContext.Request) + "; charset=utf-8";
        await using var writer = new Utf8JsonWriter(response.Body, WriterOptions);
        body.WriteTo(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }

    /// <summary>
    /// RFC 7644 §3.1/§8.1: application/scim+json, unless the client's Accept names application/json and not
    /// application/scim+json (OneLogin asks for application/json); wildcards keep the default.
    /// </summary>
    public static string ResponseMediaType(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        var json = false;
        foreach (var range in accept)
        {
            if (range.Quality is 0)
            {
                continue;
            }
            if (range.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase))
            {
                return MediaType;
            }
            json |= range.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
        }
        return json ? "application/json" : MediaType;
    }

    public static implicit operator ScimResult(ScimError error) => Error(error);
}
