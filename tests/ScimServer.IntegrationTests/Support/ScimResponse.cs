using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace ScimServer.IntegrationTests.Support;

public sealed class ScimResponse(HttpStatusCode status, HttpResponseHeaders headers, HttpContentHeaders contentHeaders, string body)
{
    public HttpStatusCode Status { get; } = status;
    public HttpResponseHeaders Headers { get; } = headers;
    public HttpContentHeaders ContentHeaders { get; } = contentHeaders;
    public string Body { get; } = body;
    public JsonObject? Json { get; } = string.IsNullOrEmpty(body) ? null : JsonNode.Parse(body) as JsonObject;

    public string? ETag => Headers.ETag?.ToString();

    public void AssertStatus(HttpStatusCode expected) =>
        Assert.True(Status == expected, $"Expected {(int)expected} but got {(int)Status}: {Body}");

    /// <summary>Asserts 200 OK and gives the response on, for reading it in the same expression.</summary>
    public ScimResponse AssertOk()
    {
        AssertStatus(HttpStatusCode.OK);
        return this;
    }

    /// <summary>Asserts a SCIM Error message (RFC 7644 §3.12) with this status and scimType.</summary>
    public string AssertError(HttpStatusCode status, string? scimType)
    {
        AssertStatus(status);
        Assert.Equal("application/scim+json", ContentHeaders.ContentType?.MediaType);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", Json!["schemas"]![0]!.GetValue<string>());
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), Json["status"]!.GetValue<string>());
        Assert.Equal(scimType, Json["scimType"]?.GetValue<string>());
        var detail = Json["detail"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        return detail;
    }

    public JsonArray Resources => Json!["Resources"]!.AsArray(); // The ListResponse member name (RFC 7644 §3.4.2).

    public IReadOnlyList<string> Strings(string attribute) =>
        Resources.Select(r => r![attribute]!.GetValue<string>()).ToList();
}
