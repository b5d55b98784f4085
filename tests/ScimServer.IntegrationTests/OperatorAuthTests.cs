using System.Net;
using System.Net.Http.Headers;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>POST /authenticate, the operator JWT, lockout, and the boundary between operator kinds.</summary>
public sealed class OperatorAuthTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    [Fact]
    public async Task SignIn_ReturnsAJwtForSixtyMinutes_ThatOpensTheApi()
    {
        var account = await fixture.NewAccountAsync();
        var name = $"op-{Guid.NewGuid():N}";
        await ApiClient.CreateOperatorAsync(fixture, name, null);
        var anonymous = new ApiClient(fixture.App.CreateClient());

        var signIn = await anonymous.PostAsync("/authenticate", $$"""{"username":"{{name.ToUpperInvariant()}}","password":"{{ApiClient.Password}}"}""");
        signIn.AssertStatus(HttpStatusCode.OK);
        var expires = DateTimeOffset.Parse(signIn.Json!["expiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(60));

        (await anonymous.GetAsync($"/api/accounts/{account.Id}/credits")).AssertProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        var http = fixture.App.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", signIn.Json["jwt"]!.GetValue<string>());
        (await new ApiClient(http).GetAsync($"/api/accounts/{account.Id}/credits")).AssertStatus(HttpStatusCode.OK);

        // The two kinds of bearer never stand in for each other.
        var scimWithJwt = await new ScimClient(http).GetAsync("/Users");
        scimWithJwt.AssertError(HttpStatusCode.Unauthorized, null);
        var apiWithScimToken = new ApiClient(account.Scim.Http);
        (await apiWithScimToken.GetAsync($"/api/accounts/{account.Id}/credits")).AssertProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task FiveFailedSignIns_LockTheOperatorOut_EvenWithTheRightPassword()
    {
        var name = $"op-{Guid.NewGuid():N}";
        await ApiClient.CreateOperatorAsync(fixture, name, null);
        var anonymous = new ApiClient(fixture.App.CreateClient());
        for (var i = 0; i < 5; i++)
        {
            (await anonymous.PostAsync("/authenticate", $$"""{"username":"{{name}}","password":"wrong"}"""))
                .AssertProblem(HttpStatusCode.Unauthorized, "badCredentials");
        }
        var locked = await anonymous.PostAsync("/authenticate", $$"""{"username":"{{name}}","password":"{{ApiClient.Password}}"}""");
        Assert.Contains("try again in 15 minutes", locked.AssertProblem(HttpStatusCode.TooManyRequests, "lockedOut"), StringComparison.Ordinal);
        Assert.InRange(locked.RetryAfter!.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));

        // An unknown operator gets the same answer as a wrong password.
        (await anonymous.PostAsync("/authenticate", """{"username":"nobody","password":"x"}""")).AssertProblem(HttpStatusCode.Unauthorized, "badCredentials");
        (await anonymous.PostAsync("/authenticate", """{"username":"nobody"}""")).AssertProblem(HttpStatusCode.BadRequest, "invalid");
    }

    [Fact]
    public async Task AccountAdmin_SeesOnlyTheirAccount_StaffSeesAll()
    {
        var mine = await fixture.NewAccountAsync();
        var theirs = await fixture.NewAccountAsync();
        var user = await theirs.Scim.CreateUserAsync("other@example.com");
        var admin = await ApiClient.SignInAsync(fixture, mine.Id);
        var staff = await ApiClient.SignInAsync(fixture);

        (await admin.GetAsync($"/api/accounts/{mine.Id}/credits")).AssertStatus(HttpStatusCode.OK);
        (await admin.GetAsync($"/api/accounts/{theirs.Id}/credits")).AssertProblem(HttpStatusCode.NotFound, "notFound");
        (await admin.PostAsync($"/api/accounts/{theirs.Id}/users/{user["id"]}/credits/consume", """{"amount":1}""")).AssertProblem(HttpStatusCode.NotFound, "notFound");
        (await admin.PutAsync($"/api/accounts/{theirs.Id}/sso", """{"requireSso":true}""")).AssertProblem(HttpStatusCode.NotFound, "notFound");
        // A user id of another account through one's own account is not found either.
        (await admin.PostAsync($"/api/accounts/{mine.Id}/users/{user["id"]}/credits/consume", """{"amount":1}""")).AssertProblem(HttpStatusCode.NotFound, "notFound");

        (await staff.GetAsync($"/api/accounts/{theirs.Id}/credits")).AssertStatus(HttpStatusCode.OK);
        (await staff.GetAsync($"/api/accounts/{Guid.NewGuid()}/credits")).AssertProblem(HttpStatusCode.NotFound, "notFound");
        (await admin.PostAsync($"/api/accounts/{mine.Id}/credits/renew")).AssertProblem(HttpStatusCode.Forbidden, "staffOnly");
    }
}
