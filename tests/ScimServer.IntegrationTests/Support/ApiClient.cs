using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ScimServer.Operators;

namespace ScimServer.IntegrationTests.Support;

/// <summary>An operator API client signed in with a JWT from POST /authenticate.</summary>
public sealed class ApiClient(HttpClient http)
{
    public const string Password = "correct horse battery staple";

    public HttpClient Http { get; } = http;

    /// <summary>Creates an operator (staff when <paramref name="accountId"/> is null) and signs it in.</summary>
    public static async Task<ApiClient> SignInAsync(ScimFixture fixture, Guid? accountId = null, Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>? app = null)
    {
        var name = $"op-{Guid.NewGuid():N}";
        await CreateOperatorAsync(fixture, name, accountId);
        var http = (app ?? fixture.App).CreateClient();
        var client = new ApiClient(http);
        var signIn = await client.PostAsync("/authenticate", $$"""{"username":"{{name}}","password":"{{Password}}"}""");
        signIn.AssertStatus(HttpStatusCode.OK);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", signIn.Json!["jwt"]!.GetValue<string>());
        return client;
    }

    public static async Task CreateOperatorAsync(ScimFixture fixture, string name, Guid? accountId)
    {
        await using var db = fixture.Db();
        db.Operators.Add(new Operator
        {
            Id = Guid.CreateVersion7(),
            UserName = name,
            PasswordHash = PasswordHasher.Hash(Password, ScimApp.PasswordIterations),
            Kind = accountId is null ? OperatorKind.Staff : OperatorKind.AccountAdmin,
            AccountId = accountId,
            Created = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    public Task<ApiResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);
    public Task<ApiResponse> PostAsync(string path, string? body = null) => SendAsync(HttpMethod.Post, path, body ?? "{}");
    public Task<ApiResponse> PutAsync(string path, string body) => SendAsync(HttpMethod.Put, path, body);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), text,
            response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType);
    }
}

public sealed record ApiResponse(HttpStatusCode Status, JsonNode? Json, string Body, TimeSpan? RetryAfter, string? MediaType)
{
    public ApiResponse AssertStatus(HttpStatusCode expected)
    {
        Assert.True(Status == expected, $"Expected {(int)expected} but got {(int)Status}: {Body}");
        return this;
    }

    /// <summary>Asserts a problem-details answer with this status and code, and returns its detail.</summary>
    public string AssertProblem(HttpStatusCode status, string code)
    {
        AssertStatus(status);
        Assert.Equal("application/problem+json", MediaType);
        Assert.Equal(code, Json!["code"]!.GetValue<string>());
        return Json["detail"]!.GetValue<string>();
    }

    public long Long(string name) => Json![name]!.GetValue<long>();
}
