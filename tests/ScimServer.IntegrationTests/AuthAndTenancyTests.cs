using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

public sealed class AuthAndTenancyTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    public static TheoryData<string, string> ProtectedEndpoints => new()
    {
        { "GET", "/Users" }, { "POST", "/Users" }, { "POST", "/Users/.search" }, { "GET", "/Users/{id}" }, { "PUT", "/Users/{id}" },
        { "PATCH", "/Users/{id}" }, { "DELETE", "/Users/{id}" }, { "GET", "/Groups" }, { "POST", "/Groups" }, { "POST", "/Groups/.search" },
        { "GET", "/Groups/{id}" }, { "PUT", "/Groups/{id}" }, { "PATCH", "/Groups/{id}" }, { "DELETE", "/Groups/{id}" }, { "POST", "/.search" },
    };

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task NoOrBadToken_Is401WithBearerChallenge(string method, string path)
    {
        var client = fixture.App.CreateClient();
        var url = "/scim/v2" + path.Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        foreach (var header in new AuthenticationHeaderValue?[] { null, new("Bearer", "scim_not-a-real-token"), new("Basic", "dXNlcjpwYXNz") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent("{}") };
            request.Headers.Authorization = header;
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.StartsWith("Bearer realm=\"scim\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Equal("application/scim+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains("urn:ietf:params:scim:api:messages:2.0:Error", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RevokedToken_StopsWorkingAtOnce()
    {
        var account = await fixture.NewAccountAsync();
        (await account.Scim.GetAsync("/Users")).AssertStatus(HttpStatusCode.OK);
        await using (var db = fixture.Db())
        {
            await db.ScimTokens.Where(t => t.AccountId == account.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, DateTimeOffset.UtcNow));
        }
        (await account.Scim.GetAsync("/Users")).AssertError(HttpStatusCode.Unauthorized, null);
    }

    [Fact]
    public async Task Tokens_AreStoredOnlyAsHashes()
    {
        var account = await fixture.NewAccountAsync();
        await using var db = fixture.Db();
        var stored = await db.ScimTokens.SingleAsync(t => t.AccountId == account.Id);
        Assert.Equal(32, stored.Hash.Length);
        Assert.Equal(account.Token[..11], stored.Prefix);
        var tokenText = System.Text.Encoding.UTF8.GetBytes(account.Token);
        Assert.False(stored.Hash.AsSpan().SequenceEqual(tokenText));
    }

    [Fact]
    public async Task OtherAccount_CannotReadFindChangeOrDetectResources()
    {
        var a = await fixture.NewAccountAsync();
        // B's connection refuses unknown group members (the strict setting), so the comparison below is of two 400s.
        var b = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { SsoIdp = ScimServer.Accounts.IdentityProviderKind.Other });
        var user = await a.Scim.CreateUserAsync("secret@example.com", """ "externalId":"sec-1" """);
        var userId = user["id"]!.GetValue<string>();
        var group = await a.Scim.CreateGroupAsync("Secret group", userId);
        var groupId = group["id"]!.GetValue<string>();
        var unknownUser = Guid.NewGuid().ToString();

        // Reads and writes by id answer exactly as for an id that does not exist.
        foreach (var (type, id) in new[] { ("Users", userId), ("Groups", groupId) })
        {
            var detail = (await b.Scim.GetAsync($"/{type}/{id}")).AssertError(HttpStatusCode.NotFound, null);
            Assert.Equal($"{(type == "Users" ? "User" : "Group")} '{id}' was not found.", detail);
            (await b.Scim.PutAsync($"/{type}/{id}", type == "Users" ? """{"userName":"x@example.com"}""" : """{"displayName":"x"}""")).AssertError(HttpStatusCode.NotFound, null);
            (await b.Scim.PatchOpsAsync($"/{type}/{id}", """[{"op":"replace","path":"displayName","value":"x"}]""")).AssertError(HttpStatusCode.NotFound, null);
            (await b.Scim.DeleteAsync($"/{type}/{id}")).AssertError(HttpStatusCode.NotFound, null);
        }

        // Filters, lists and searches see nothing of A.
        foreach (var filter in new[] { "userName eq \"secret@example.com\"", $"id eq \"{userId}\"", "externalId eq \"sec-1\"", $"groups.value eq \"{groupId}\"" })
        {
            Assert.Equal(0, (await b.Scim.GetAsync("/Users?filter=" + Uri.EscapeDataString(filter))).Json!["totalResults"]!.GetValue<int>());
        }
        Assert.Equal(0, (await b.Scim.GetAsync("/Groups?filter=" + Uri.EscapeDataString($"members.value eq \"{userId}\""))).Json!["totalResults"]!.GetValue<int>());
        Assert.Equal(0, (await b.Scim.GetAsync("/Users")).Json!["totalResults"]!.GetValue<int>());
        Assert.Equal(0, (await b.Scim.PostAsync("/.search", "{}")).Json!["totalResults"]!.GetValue<int>());

        // A's user id as a member of B's group reads exactly like an id that does not exist.
        var bGroup = await b.Scim.CreateGroupAsync("B group");
        var foreign = (await b.Scim.PatchOpsAsync($"/Groups/{bGroup["id"]}", $$"""[{"op":"add","path":"members","value":[{"value":"{{userId}}"}]}]"""))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue");
        var missing = (await b.Scim.PatchOpsAsync($"/Groups/{bGroup["id"]}", $$"""[{"op":"add","path":"members","value":[{"value":"{{unknownUser}}"}]}]"""))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal(missing.Replace(unknownUser, "ID", StringComparison.Ordinal), foreign.Replace(userId, "ID", StringComparison.Ordinal));

        // B may use the same userName: uniqueness is per account.
        await b.Scim.CreateUserAsync("secret@example.com");

        // And A's data is untouched.
        var still = await a.Scim.GetAsync($"/Groups/{groupId}");
        Assert.Equal("Secret group", still.Json!["displayName"]!.GetValue<string>());
        Assert.Single(still.Json["members"]!.AsArray());
    }
}
