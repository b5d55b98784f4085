using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ScimServer.IntegrationTests.Support;

/// <summary>Sends SCIM requests the way IdPs do (application/scim+json bodies) and parses what comes back.</summary>
public sealed class ScimClient(HttpClient http)
{
    public const string Base = "/scim/v2";
    public const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    public HttpClient Http { get; } = http;

    public Task<ScimResponse> GetAsync(string path, Action<HttpRequestMessage>? configure = null) => SendAsync(HttpMethod.Get, path, null, configure);
    public Task<ScimResponse> PostAsync(string path, string body) => SendAsync(HttpMethod.Post, path, body);
    public Task<ScimResponse> PutAsync(string path, string body, Action<HttpRequestMessage>? configure = null) => SendAsync(HttpMethod.Put, path, body, configure);

    public Task<ScimResponse> PatchAsync(string path, string body, Action<HttpRequestMessage>? configure = null) => SendAsync(HttpMethod.Patch, path, body, configure);
    public Task<ScimResponse> DeleteAsync(string path, Action<HttpRequestMessage>? configure = null) => SendAsync(HttpMethod.Delete, path, null, configure);

    /// <summary>A PatchOp body from a JSON array of operations.</summary>
    public Task<ScimResponse> PatchOpsAsync(string path, string operations, Action<HttpRequestMessage>? configure = null) =>
        PatchAsync(path, $$"""{"schemas":["{{PatchOp}}"],"Operations":{{operations}}}""", configure);

    /// <summary>Creates a user; <paramref name="extra"/> is JSON members ("a":1,"b":2) merged over the defaults.</summary>
    public async Task<JsonObject> CreateUserAsync(string userName, string? extra = null)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["userName"] = userName,
            ["name"] = new JsonObject { ["givenName"] = "G", ["familyName"] = "F" },
        };
        if (extra is not null)
        {
            foreach (var (key, value) in JsonNode.Parse("{" + extra + "}")!.AsObject())
            {
                body[key] = value?.DeepClone();
            }
        }
        var response = await PostAsync("/Users", body.ToJsonString());
        response.AssertStatus(HttpStatusCode.Created);
        return response.Json!;
    }

    public async Task<JsonObject> CreateGroupAsync(string displayName, params string[] memberIds)
    {
        var members = string.Join(",", memberIds.Select(id => $$"""{"value":"{{id}}"}"""));
        var response = await PostAsync("/Groups", $$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"{{displayName}}","members":[{{members}}]}
            """);
        response.AssertStatus(HttpStatusCode.Created);
        return response.Json!;
    }

    public async Task<ScimResponse> SendAsync(HttpMethod method, string path, string? body, Action<HttpRequestMessage>? configure = null, string contentType = "application/scim+json")
    {
        using var request = new HttpRequestMessage(method, path.StartsWith('/') && !path.StartsWith(Base, StringComparison.Ordinal) ? Base + path : path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        configure?.Invoke(request);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ScimResponse(response.StatusCode, response.Headers, response.Content.Headers, text);
    }
}
