using System.Net;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

public sealed class DiscoveryTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private ScimClient Anonymous => new(fixture.App.CreateClient());

    [Fact]
    public async Task ServiceProviderConfig_DescribesWhatTheServerDoes()
    {
        var response = await Anonymous.GetAsync("/ServiceProviderConfig");
        response.AssertStatus(HttpStatusCode.OK);
        var config = response.Json!;
        Assert.True(config["patch"]!["supported"]!.GetValue<bool>());
        Assert.True(config["filter"]!["supported"]!.GetValue<bool>());
        Assert.Equal(ScimApp.MaxPageSize, config["filter"]!["maxResults"]!.GetValue<int>());
        Assert.True(config["sort"]!["supported"]!.GetValue<bool>());
        Assert.True(config["etag"]!["supported"]!.GetValue<bool>());
        Assert.True(config["bulk"]!["supported"]!.GetValue<bool>());
        Assert.Equal(1000, config["bulk"]!["maxOperations"]!.GetValue<int>());
        Assert.Equal("oauthbearertoken", config["authenticationSchemes"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResourceTypes_ListUserWithEnterpriseExtensionAndGroup()
    {
        var list = await Anonymous.GetAsync("/ResourceTypes");
        Assert.Equal(["User", "Group"], list.Strings("id"));
        var user = await Anonymous.GetAsync("/ResourceTypes/User");
        Assert.Equal("/Users", user.Json!["endpoint"]!.GetValue<string>());
        Assert.Equal("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", user.Json["schemaExtensions"]![0]!["schema"]!.GetValue<string>());
        (await Anonymous.GetAsync("/ResourceTypes/Printer")).AssertError(HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task Schemas_ListAndFetchByUrn()
    {
        var list = await Anonymous.GetAsync("/Schemas");
        Assert.Equal(["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            "urn:scimserver:schemas:extension:account:1.0:User", "urn:ietf:params:scim:schemas:core:2.0:Group",
            "urn:scimserver:schemas:extension:account:1.0:Group"], list.Strings("id"));
        var user = await Anonymous.GetAsync("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User");
        var attributes = user.Json!["attributes"]!.AsArray();
        var userName = attributes.First(a => a!["name"]!.GetValue<string>() == "userName")!;
        Assert.False(userName["caseExact"]!.GetValue<bool>());
        Assert.Equal("server", userName["uniqueness"]!.GetValue<string>());
        Assert.True(userName["required"]!.GetValue<bool>());
        var password = attributes.First(a => a!["name"]!.GetValue<string>() == "password")!;
        Assert.Equal("never", password["returned"]!.GetValue<string>());
        Assert.Equal("writeOnly", password["mutability"]!.GetValue<string>());
        var groups = attributes.First(a => a!["name"]!.GetValue<string>() == "groups")!;
        Assert.Equal("readOnly", groups["mutability"]!.GetValue<string>());
        var enterprise = await Anonymous.GetAsync("/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
        Assert.Contains("manager", enterprise.Json!["attributes"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()));
        (await Anonymous.GetAsync("/Schemas/urn:nope")).AssertError(HttpStatusCode.NotFound, null);
    }

    [Theory]
    [InlineData("/Schemas")]
    [InlineData("/ResourceTypes")]
    public async Task Discovery_WithFilter_Is403(string path) =>
        (await Anonymous.GetAsync(path + "?filter=id%20eq%20%22User%22")).AssertError(HttpStatusCode.Forbidden, null);

    [Fact]
    public async Task UnknownScimPath_IsScim404()
    {
        var account = await fixture.NewAccountAsync();
        Assert.Equal("There is no SCIM endpoint for GET '/Printers'.", (await account.Scim.GetAsync("/Printers")).AssertError(HttpStatusCode.NotFound, null));
        (await account.Scim.PostAsync("/Bulk", "{}")).AssertError(HttpStatusCode.BadRequest, "invalidSyntax");
        (await account.Scim.GetAsync("/Me")).AssertError(HttpStatusCode.NotImplemented, null);
    }

    [Fact]
    public async Task PublicBaseUrl_IsUsedInLocations()
    {
        await using var app = new ScimApp(fixture.ConnectionString, new Dictionary<string, string> { ["Scim:PublicBaseUrl"] = "https://scim.example.net/tenant-x/" });
        var account = await fixture.NewAccountAsync(app);
        var response = await account.Scim.PostAsync("/Users", """{"userName":"loc@example.com"}""");
        Assert.Equal($"https://scim.example.net/tenant-x/scim/v2/Users/{response.Json!["id"]}", response.Headers.Location!.ToString());
        Assert.Equal(response.Headers.Location.ToString(), response.Json["meta"]!["location"]!.GetValue<string>());
    }
}
