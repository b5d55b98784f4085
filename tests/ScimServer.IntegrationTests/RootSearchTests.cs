using System.Net;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

public sealed class RootSearchTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    [Fact]
    public async Task Search_AcrossTypes_PagesOverUsersThenGroups()
    {
        var account = await fixture.NewAccountAsync();
        await account.Scim.CreateUserAsync("r1@example.com", "\"displayName\":\"Shared\"");
        await account.Scim.CreateUserAsync("r2@example.com", "\"displayName\":\"Other\"");
        await account.Scim.CreateGroupAsync("Shared");

        var shared = await account.Scim.PostAsync("/.search", """{"filter":"displayName eq \"shared\""}""");
        shared.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(2, shared.Json!["totalResults"]!.GetValue<int>());
        Assert.Equal(["User", "Group"], shared.Resources.Select(r => r!["meta"]!["resourceType"]!.GetValue<string>()).ToList());

        var page = await account.Scim.PostAsync("/.search", """{"startIndex":2,"count":2}""");
        Assert.Equal(3, page.Json!["totalResults"]!.GetValue<int>());
        Assert.Equal(["User", "Group"], page.Resources.Select(r => r!["meta"]!["resourceType"]!.GetValue<string>()).ToList());

        // An attribute only Users have matches no Group, and is not an error.
        var users = await account.Scim.PostAsync("/.search", """{"filter":"userName sw \"r\""}""");
        Assert.Equal(2, users.Json!["totalResults"]!.GetValue<int>());
        (await account.Scim.PostAsync("/.search", """{"filter":"userName eq"}""")).AssertError(HttpStatusCode.BadRequest, "invalidFilter");
    }
}
