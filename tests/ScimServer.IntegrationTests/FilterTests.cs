using System.Net;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>Every filter rule of RFC 7644 §3.4.2.2, executed by PostgreSQL through the HTTP pipeline.</summary>
public sealed class FilterTests(ScimFixture fixture) : IClassFixture<ScimFixture>, IAsyncLifetime
{
    private const string Ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private TestAccount _account = null!;
    private readonly Dictionary<string, string> _ids = [];

    public async Task InitializeAsync()
    {
        _account = await fixture.NewAccountAsync();
        async Task Add(string key, string userName, string extra) =>
            _ids[key] = (await _account.Scim.CreateUserAsync(userName, extra))["id"]!.GetValue<string>();
        await Add("ann", "Ann@example.com", $$$"""
            "externalId":"EXT-ann","displayName":"Ann Lee","title":"Engineer","active":true,
            "name":{"givenName":"Ann","familyName":"O'Lee"},
            "emails":[{"value":"ann@example.com","type":"work","primary":true},{"value":"ann@home.org","type":"home"}],
            "{{{Ent}}}":{"department":"Sales","employeeNumber":"100","manager":{"value":"boss"}}
            """);
        await Add("bob", "bob@example.com", $$$"""
            "externalId":"ext-bob","displayName":"Bob Stone","title":"Manager","active":false,
            "name":{"givenName":"Bob","familyName":"Stone"},
            "emails":[{"value":"bob@corp.net","type":"work"}],
            "{{{Ent}}}":{"department":"Engineering","employeeNumber":"200"}
            """);
        await Add("cy", "cy_100%@example.com", """
            "displayName":"Cy","active":true,"name":{"givenName":"Cy","familyName":"Young"}
            """);
        var group = await _account.Scim.CreateGroupAsync("Admins", _ids["ann"]);
        _ids["admins"] = group["id"]!.GetValue<string>();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    // eq / ne, case-insensitive userName, case-exact externalId
    [InlineData("userName eq \"ann@EXAMPLE.com\"", "ann")]
    [InlineData("USERNAME EQ \"bob@example.com\"", "bob")]
    [InlineData("userName ne \"ann@example.com\"", "bob,cy")]
    [InlineData("externalId eq \"EXT-ann\"", "ann")]
    [InlineData("externalId eq \"ext-ann\"", "")]
    [InlineData("externalId ne \"ext-bob\"", "ann,cy")]
    // co / sw / ew, with LIKE wildcards in the value taken literally
    [InlineData("userName co \"EXAMPLE\"", "ann,bob,cy")]
    [InlineData("userName co \"ann@\"", "ann")]
    [InlineData("userName sw \"b\"", "bob")]
    [InlineData("userName ew \"@example.com\"", "ann,bob,cy")]
    [InlineData("userName co \"_100%\"", "cy")]
    [InlineData("userName co \"%\"", "cy")]
    [InlineData("userName sw \"_\"", "")]
    [InlineData("name.familyName co \"'\"", "ann")]
    // pr, including attributes that only some users have
    [InlineData("title pr", "ann,bob")]
    [InlineData("emails pr", "ann,bob")]
    [InlineData("name pr", "ann,bob,cy")]
    [InlineData("not (title pr)", "cy")]
    // ordering on strings, numbers as strings, dateTime
    [InlineData("name.givenName gt \"Bob\"", "cy")]
    [InlineData("name.givenName ge \"Bob\"", "bob,cy")]
    [InlineData("name.givenName lt \"bob\"", "ann")]
    [InlineData("name.givenName le \"BOB\"", "ann,bob")]
    [InlineData("meta.created gt \"2000-01-01T00:00:00Z\"", "ann,bob,cy")]
    [InlineData("meta.lastModified lt \"2000-01-01T00:00:00Z\"", "")]
    [InlineData("meta.resourceType eq \"User\"", "ann,bob,cy")]
    // booleans
    [InlineData("active eq true", "ann,cy")]
    [InlineData("active eq false", "bob")]
    [InlineData("active ne true", "bob")]
    // logic and precedence: and binds tighter than or; not handles missing values
    [InlineData("userName sw \"ann\" or userName sw \"bob\" and active eq true", "ann")]
    [InlineData("(userName sw \"ann\" or userName sw \"bob\") and active eq false", "bob")]
    [InlineData("not (userName sw \"ann\" or userName sw \"bob\")", "cy")]
    [InlineData("not (title eq \"Engineer\")", "bob,cy")]
    [InlineData("title ne \"Engineer\"", "bob,cy")]
    [InlineData("title eq null", "cy")]
    // multi-valued: bare attribute compares "value", sub-attributes, value filters
    [InlineData("emails eq \"ANN@example.com\"", "ann")]
    [InlineData("emails.value eq \"bob@corp.net\"", "bob")]
    [InlineData("emails.value co \"home\"", "ann")]
    [InlineData("emails.type eq \"home\"", "ann")]
    [InlineData("emails[type eq \"work\" and value co \"example\"]", "ann")]
    [InlineData("emails[type eq \"work\" and value ew \".net\"] or emails[type eq \"home\"]", "ann,bob")]
    [InlineData("emails[not (type eq \"work\")]", "ann")]
    [InlineData("emails[primary eq true]", "ann")]
    // extension attributes by URN, case-insensitive path
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"sales\"", "ann")]
    [InlineData("URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:DEPARTMENT sw \"eng\"", "bob")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"boss\"", "ann")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"cy_100%@example.com\"", "cy")]
    // membership
    [InlineData("groups pr", "ann")]
    [InlineData("groups.display eq \"admins\"", "ann")]
    public async Task Filter_SelectsExactlyTheMatchingUsers(string filter, string expected)
    {
        var response = await _account.Scim.GetAsync("/Users?count=100&filter=" + Uri.EscapeDataString(filter));
        response.AssertStatus(HttpStatusCode.OK);
        var ids = response.Strings("id").ToHashSet();
        var wanted = expected.Length == 0 ? [] : expected.Split(',').Select(k => _ids[k]).ToHashSet();
        Assert.Equal(wanted.Order(), ids.Order());
        Assert.Equal(wanted.Count, response.Json!["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Filter_ById_AndGroupsValue()
    {
        var byId = await _account.Scim.GetAsync("/Users?filter=" + Uri.EscapeDataString($"id eq \"{_ids["bob"]}\""));
        Assert.Equal([_ids["bob"]], byId.Strings("id"));
        var byGroup = await _account.Scim.GetAsync("/Users?filter=" + Uri.EscapeDataString($"groups.value eq \"{_ids["admins"]}\""));
        Assert.Equal([_ids["ann"]], byGroup.Strings("id"));
        var notUuid = await _account.Scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("id eq \"nope\""));
        Assert.Equal(0, notUuid.Json!["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task Filter_InjectionAttempt_IsJustAValue()
    {
        var response = await _account.Scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq \"x' OR '1'='1\" or displayName co \"'); DROP TABLE users; --\""));
        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(0, response.Json!["totalResults"]!.GetValue<int>());
        Assert.Equal(3, (await _account.Scim.GetAsync("/Users")).Json!["totalResults"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("userName eq", "The filter ends after 'eq' where a value was expected; quote strings, e.g. \"value\".")]
    [InlineData("shoeSize eq \"42\"", "Attribute 'shoeSize' is not defined in schema urn:ietf:params:scim:schemas:core:2.0:User.")]
    [InlineData("name.middle eq \"x\"", "'middle' is not a sub-attribute of 'name'; it has: formatted, familyName, givenName, middleName, honorificPrefix, honorificSuffix.")]
    [InlineData("urn:example:nope:department eq \"x\"", "Schema 'urn:example:nope' is not a schema of the User resource type; use one of: urn:ietf:params:scim:schemas:core:2.0:User, urn:ietf:params:scim:schemas:extension:enterprise:2.0:User, urn:scimserver:schemas:extension:account:1.0:User.")]
    [InlineData("active eq \"yes\"", "'active' is of type boolean; compare it with true or false, not \"yes\".")]
    [InlineData("active gt true", "'active' is a boolean; 'gt' cannot order booleans, use eq or ne.")]
    [InlineData("meta.created gt \"yesterday\"", "'meta.created' is of type dateTime; compare it with an xsd:dateTime string such as \"2026-01-31T12:00:00Z\", not \"yesterday\".")]
    [InlineData("meta.created co \"2020\"", "'co' compares strings, but 'meta.created' is of type dateTime.")]
    [InlineData("name eq \"x\"", "'name' is a complex attribute; compare one of its sub-attributes, e.g. 'name.value'.")]
    [InlineData("password eq \"x\"", "'password' is never returned, so it cannot be used in a filter or sort.")]
    [InlineData("meta.version eq \"x\"", "'meta.version' cannot be used in a filter or sort; use id, meta.created or meta.lastModified.")]
    [InlineData("emails[kind eq \"work\"]", "'kind' is not a sub-attribute of 'emails'; it has: value, display, type, primary.")]
    [InlineData("title[value eq \"x\"]", "'title[…]': a value filter needs a multi-valued attribute.")]
    [InlineData("groups.$ref eq \"x\"", "'groups.$ref' cannot be used in a filter.")]
    public async Task Filter_Invalid_Is400InvalidFilterWithDetail(string filter, string detail)
    {
        var response = await _account.Scim.GetAsync("/Users?filter=" + Uri.EscapeDataString(filter));
        Assert.Equal(detail, response.AssertError(HttpStatusCode.BadRequest, "invalidFilter"));
    }

    [Fact]
    public async Task Filter_OnGroups_DisplayNameAndMembers()
    {
        var byName = await _account.Scim.GetAsync("/Groups?filter=" + Uri.EscapeDataString("displayName eq \"ADMINS\"") + "&excludedAttributes=members");
        Assert.Equal([_ids["admins"]], byName.Strings("id"));
        Assert.Null(byName.Resources[0]!["members"]);
        var byMember = await _account.Scim.GetAsync("/Groups?filter=" + Uri.EscapeDataString($"members.value eq \"{_ids["ann"]}\""));
        Assert.Equal([_ids["admins"]], byMember.Strings("id"));
        var byMemberFilter = await _account.Scim.GetAsync("/Groups?filter=" + Uri.EscapeDataString($"members[value eq \"{_ids["bob"]}\" or type eq \"Group\"]"));
        Assert.Equal(0, byMemberFilter.Json!["totalResults"]!.GetValue<int>());
        var bad = await _account.Scim.GetAsync("/Groups?filter=" + Uri.EscapeDataString("userName eq \"x\""));
        bad.AssertError(HttpStatusCode.BadRequest, "invalidFilter");
    }

    [Fact]
    public async Task Search_PostDotSearch_TakesTheSameFilter()
    {
        var response = await _account.Scim.PostAsync("/Users/.search", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"emails[type eq \"work\"]","attributes":["userName"],"sortBy":"userName","sortOrder":"descending","startIndex":1,"count":10}
            """);
        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(["bob@example.com", "Ann@example.com"], response.Strings("userName"));
        Assert.All(response.Resources, r => Assert.Null(r!["emails"]));
    }
}
