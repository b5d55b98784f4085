using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests;

/// <summary>
/// What a standard SCIM client sends as it ships: any userName, no surname, application/json, a replace through a
/// filter that matches nothing, two groups of one name. Each fact here failed before the identity rules became
/// account policies (docs/account-model.md rule 6).
/// </summary>
public sealed class StandardClientsTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    private static Task<ScimResponse> Raw(TestAccount account, HttpMethod method, string path, string body) =>
        account.Scim.SendAsync(method, path, body);

    private async Task<Users.User> Stored(string id)
    {
        await using var db = fixture.Db();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == Guid.Parse(id));
    }

    [Fact]
    public async Task UserNameIsAnyString_TheEmailComesFromEmails_AndNamesAreDerived()
    {
        var account = await fixture.NewAccountAsync();
        var created = await Raw(account, HttpMethod.Post, "/Users", $$"""
            {"schemas":["{{UserSchema}}"],"userName":"UserName123","displayName":"Ada Lovelace King",
             "emails":[{"value":"home@example.org","type":"home"},{"value":"ada@example.com","type":"work"}]}
            """);
        created.AssertStatus(HttpStatusCode.Created);
        Assert.Equal("UserName123", created.Json!["userName"]!.GetValue<string>());
        Assert.Null(created.Json["name"]); // The SCIM document stays what the client sent.
        var user = await Stored(created.Json["id"]!.GetValue<string>());
        Assert.Equal(("ada@example.com", "Ada", "Lovelace King"), (user.Email, user.GivenName, user.FamilyName));

        // The primary email wins over the work one; a userName that is an address wins over both.
        var primary = await Raw(account, HttpMethod.Post, "/Users", """
            {"userName":"b-uid","emails":[{"value":"work@example.com","type":"work"},{"value":"main@example.com","primary":true}]}
            """);
        Assert.Equal("main@example.com", (await Stored(primary.Json!["id"]!.GetValue<string>())).Email);
        var byUserName = await Raw(account, HttpMethod.Post, "/Users", """{"userName":"jane.q.doe@example.com","emails":[{"value":"other@example.com"}]}""");
        var jane = await Stored(byUserName.Json!["id"]!.GetValue<string>());
        Assert.Equal(("jane.q.doe@example.com", "Jane", "Q Doe"), (jane.Email, jane.GivenName, jane.FamilyName));

        // name.formatted comes first, and a name part the IdP did send is kept.
        var formatted = await Raw(account, HttpMethod.Post, "/Users", """
            {"userName":"f@example.com","displayName":"Not This","name":{"formatted":"Grace Brewster Hopper","givenName":"Amazing"}}
            """);
        var grace = await Stored(formatted.Json!["id"]!.GetValue<string>());
        Assert.Equal(("Amazing", "Brewster Hopper"), (grace.GivenName, grace.FamilyName));

        // The audit entry says the names were derived, and from what.
        await using var db = fixture.Db();
        var changes = await db.Database.SqlQuery<string>($"""
            SELECT changes::text AS "Value" FROM audit_log WHERE account_id = {account.Id} AND target_id = {user.Id.ToString()} AND action = 'CreateUser'
            """).SingleAsync();
        var derived = JsonNode.Parse(changes)!["derivedName"]!;
        Assert.Equal("Ada Lovelace King", derived["after"]!.GetValue<string>());
        Assert.Equal("displayName", derived["from"]!.GetValue<string>());
    }

    [Fact]
    public async Task ByDefault_AUserNeedsNoEmail_AndSeveralUsersMayShareOne()
    {
        // What generic clients send: scim2-tester creates users with a UUID userName only; Microsoft's collection
        // gives several users one work address.
        var account = await fixture.NewAccountAsync();
        var bare = await Raw(account, HttpMethod.Post, "/Users", """{"userName":"204109b9-2e90-47fc-b53a-47f3297ff814"}""");
        bare.AssertStatus(HttpStatusCode.Created);
        var stored = await Stored(bare.Json!["id"]!.GetValue<string>());
        Assert.Null(stored.Email);
        Assert.Equal(("204109b9", "2e90 47fc B53a 47f3297ff814"), (stored.GivenName, stored.FamilyName));
        foreach (var name in new[] { "UserName333", "UserName444" })
        {
            (await Raw(account, HttpMethod.Post, "/Users", $$"""{"userName":"{{name}}","emails":[{"value":"testing@bob2.com","type":"work","primary":true}]}"""))
                .AssertStatus(HttpStatusCode.Created);
        }
    }

    [Fact]
    public async Task WithTheEmailPolicy_OneEmailPerPerson_AUserNameThatIsAnotherUsersEmailIsAClash()
    {
        var account = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { RequireEmail = true });
        var alice = await Raw(account, HttpMethod.Post, "/Users", """{"userName":"alice","emails":[{"value":"Alice@example.com","type":"work"}]}""");
        alice.AssertStatus(HttpStatusCode.Created);
        var clash = await Raw(account, HttpMethod.Post, "/Users", """{"userName":"alice@EXAMPLE.com"}""");
        Assert.Equal($"The email 'alice@EXAMPLE.com' already belongs to user 'alice' (id {alice.Json!["id"]}); each person's email is unique in the account.",
            clash.AssertError(HttpStatusCode.Conflict, "uniqueness"));
        // A deprovisioned user's email is free again.
        (await account.Scim.DeleteAsync($"/Users/{alice.Json["id"]}")).AssertStatus(HttpStatusCode.NoContent);
        (await Raw(account, HttpMethod.Post, "/Users", """{"userName":"alice@example.com"}""")).AssertStatus(HttpStatusCode.Created);
    }

    [Fact]
    public async Task IdentityPolicy_IsAnAuditedAccountSetting()
    {
        var account = await fixture.NewAccountAsync();
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        var policy = (await api.GetAsync($"/api/accounts/{account.Id}/identity-policy")).AssertStatus(HttpStatusCode.OK);
        Assert.False(policy.Json!["restrictDomains"]!.GetValue<bool>());
        Assert.False(policy.Json["requireNames"]!.GetValue<bool>());
        Assert.False(policy.Json["requireEmail"]!.GetValue<bool>());
        (await Raw(account, HttpMethod.Post, "/Users", """{"userName":"x@elsewhere.org"}""")).AssertStatus(HttpStatusCode.Created);

        (await api.PutAsync($"/api/accounts/{account.Id}/identity-policy", """{"restrictDomains":true,"requireNames":true}""")).AssertStatus(HttpStatusCode.OK);
        Assert.Equal("userName 'y@elsewhere.org' must be an email address in a verified domain of this account (example.com).",
            (await Raw(account, HttpMethod.Post, "/Users", """{"userName":"y@elsewhere.org","name":{"givenName":"Y","familyName":"Z"}}"""))
                .AssertError(HttpStatusCode.BadRequest, "invalidValue"));
        Assert.Equal("'y@example.com' needs name.givenName and name.familyName: every user of the account has a first and a last name. Map them in the IdP.",
            (await Raw(account, HttpMethod.Post, "/Users", """{"userName":"y@example.com","displayName":"Why Zed"}"""))
                .AssertError(HttpStatusCode.BadRequest, "invalidValue"));

        await using var db = fixture.Db();
        var entry = await db.Database.SqlQuery<string>($"""
            SELECT changes::text AS "Value" FROM audit_log WHERE account_id = {account.Id} AND action = 'PutIdentityPolicy'
            """).SingleAsync();
        Assert.Contains("restrictDomains", entry);
        Assert.Contains("requireNames", entry);
    }

    [Theory]
    [InlineData("application/json", "application/json")]
    [InlineData("application/json, text/plain", "application/json")]
    [InlineData("application/scim+json", "application/scim+json")]
    [InlineData("application/json, application/scim+json", "application/scim+json")]
    [InlineData("*/*", "application/scim+json")]
    [InlineData(null, "application/scim+json")]
    public async Task ContentNegotiation_FollowsAccept(string? accept, string expected)
    {
        var account = await fixture.NewAccountAsync();
        void Accept(HttpRequestMessage r)
        {
            if (accept is not null)
            {
                r.Headers.TryAddWithoutValidation("Accept", accept);
            }
        }
        var list = await account.Scim.GetAsync("/Users", Accept);
        Assert.Equal(expected, list.ContentHeaders.ContentType!.MediaType);
        var missing = await account.Scim.GetAsync($"/Users/{Guid.NewGuid()}", Accept);
        Assert.Equal(expected, missing.ContentHeaders.ContentType!.MediaType);
        var created = await account.Scim.SendAsync(HttpMethod.Post, "/Users", """{"userName":"neg@example.com"}""", Accept, contentType: "application/json");
        Assert.Equal(expected, created.ContentHeaders.ContentType!.MediaType);
    }

    [Fact]
    public async Task ReplaceThroughAFilterThatMatchesNothing_IsNoTarget_ExceptOnEntraConnections()
    {
        const string Replace = """[{"op":"replace","path":"emails[type eq \"work\"].value","value":"w@example.com"}]""";
        var okta = await fixture.NewAccountAsync();
        var user = await okta.Scim.CreateUserAsync("plain@example.com");
        Assert.Equal("Operations[0]: No value of 'emails' matches 'emails[type eq \"work\"].value'.",
            (await okta.Scim.PatchOpsAsync($"/Users/{user["id"]}", Replace)).AssertError(HttpStatusCode.BadRequest, "noTarget"));
        // add still creates the value the filter describes
        var added = await okta.Scim.PatchOpsAsync($"/Users/{user["id"]}", Replace.Replace("replace", "add"));
        added.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("work", added.Json!["emails"]![0]!["type"]!.GetValue<string>());

        var entra = await fixture.NewAccountAsync(spec: ScimFixture.OpenContract() with { SsoIdp = IdentityProviderKind.EntraId });
        var entraUser = await entra.Scim.CreateUserAsync("entra@example.com");
        var patched = await entra.Scim.PatchOpsAsync($"/Users/{entraUser["id"]}", Replace.Replace("replace", "Replace"));
        patched.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("w@example.com", patched.Json!["emails"]![0]!["value"]!.GetValue<string>());

        // The setting belongs to the connection and can be switched by the account's operators.
        await using var db = fixture.Db();
        var connection = await db.ScimConnections.SingleAsync(c => c.AccountId == okta.Id);
        Assert.Equal(UnmatchedValueFilter.NoTarget, connection.UnmatchedValueFilter);
        var api = await ApiClient.SignInAsync(fixture, okta.Id);
        (await api.SendAsync(HttpMethod.Patch, $"/api/accounts/{okta.Id}/connections/{connection.Id}", """{"unmatchedValueFilter":"Create"}"""))
            .AssertStatus(HttpStatusCode.OK);
        var second = await okta.Scim.CreateUserAsync("second@example.com");
        (await okta.Scim.PatchOpsAsync($"/Users/{second["id"]}", Replace)).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task GroupNames_AreUniquePerAccount()
    {
        var account = await fixture.NewAccountAsync();
        var sales = await account.Scim.CreateGroupAsync("Sales");
        var detail = (await account.Scim.PostAsync("/Groups", """{"displayName":"SALES"}""")).AssertError(HttpStatusCode.Conflict, "uniqueness");
        Assert.Equal($"A group named 'Sales' already exists (id {sales["id"]}); group names are unique in the account (compared case-insensitively).", detail);

        var ops = await account.Scim.CreateGroupAsync("Ops");
        (await account.Scim.PatchOpsAsync($"/Groups/{ops["id"]}", """[{"op":"replace","path":"displayName","value":"sales"}]"""))
            .AssertError(HttpStatusCode.Conflict, "uniqueness");
        (await account.Scim.PutAsync($"/Groups/{ops["id"]}", """{"displayName":"Sales"}""")).AssertError(HttpStatusCode.Conflict, "uniqueness");
        // Renaming a group to its own name in another case is fine.
        (await account.Scim.PatchOpsAsync($"/Groups/{ops["id"]}", """[{"op":"replace","path":"displayName","value":"OPS"}]""")).AssertStatus(HttpStatusCode.NoContent);

        var api = await ApiClient.SignInAsync(fixture, account.Id);
        Assert.Contains(sales["id"]!.GetValue<string>(),
            (await api.PostAsync($"/api/accounts/{account.Id}/teams", """{"name":"sales"}""")).AssertProblem(HttpStatusCode.Conflict, "uniqueness"));

        // Another account may use the name; parallel creates of one name give exactly one group.
        var other = await fixture.NewAccountAsync();
        await other.Scim.CreateGroupAsync("Sales");
        var rush = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => other.Scim.PostAsync("/Groups", """{"displayName":"Rush"}""")));
        Assert.Equal(1, rush.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(5, rush.Count(r => r.Status == HttpStatusCode.Conflict));

        var schema = await account.Scim.GetAsync("/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group");
        var displayName = schema.Json!["attributes"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "displayName")!;
        Assert.Equal("server", displayName["uniqueness"]!.GetValue<string>());
    }

    [Fact]
    public async Task AGroupMemberNamedByItsIdAlone_IsAdded()
    {
        // Microsoft's validator sends {"op":"add","path":"members","value":"<id>"}.
        var account = await fixture.NewAccountAsync();
        var user = await account.Scim.CreateUserAsync("bare@example.com");
        var group = await account.Scim.CreateGroupAsync("Bare");
        (await account.Scim.PatchOpsAsync($"/Groups/{group["id"]}", $$"""[{"op":"add","path":"members","value":"{{user["id"]}}"}]"""))
            .AssertStatus(HttpStatusCode.NoContent);
        var read = await account.Scim.GetAsync($"/Groups/{group["id"]}");
        Assert.Equal(user["id"]!.GetValue<string>(), read.Json!["members"]![0]!["value"]!.GetValue<string>());
        // An id the account does not have is skipped on Okta connections (unknownGroupMembers: Ignore), as any member object is.
        (await account.Scim.PatchOpsAsync($"/Groups/{group["id"]}", """[{"op":"add","path":"members","value":"string id 1"}]"""))
            .AssertStatus(HttpStatusCode.NoContent);
        // Other multi-valued attributes still need objects.
        (await account.Scim.PatchOpsAsync($"/Users/{user["id"]}", """[{"op":"add","path":"emails","value":"x@example.com"}]"""))
            .AssertError(HttpStatusCode.BadRequest, "invalidValue");
    }

    [Theory]
    [InlineData("/Users", """{"userName":"LONG"}""", "userName", 256)]
    [InlineData("/Users", """{"userName":"ext@example.com","externalId":"LONG"}""", "externalId", 256)]
    [InlineData("/Users", """{"userName":"mail","emails":[{"value":"LONG@example.com"}]}""", "emails.value", 320)]
    [InlineData("/Groups", """{"displayName":"LONG"}""", "displayName", 256)]
    [InlineData("/Groups", """{"displayName":"g","externalId":"LONG"}""", "externalId", 256)]
    public async Task IndexedTextLongerThanItsLimit_Is400(string path, string template, string attribute, int limit)
    {
        var account = await fixture.NewAccountAsync();
        var body = template.Replace("LONG", new string('x', 3000), StringComparison.Ordinal);
        var length = attribute == "emails.value" ? 3000 + "@example.com".Length : 3000;
        Assert.Equal($"'{attribute}' is {length} characters long; at most {limit} are accepted.",
            (await account.Scim.PostAsync(path, body)).AssertError(HttpStatusCode.BadRequest, "invalidValue"));
        if (path == "/Users")
        {
            var user = await account.Scim.CreateUserAsync("short@example.com");
            (await account.Scim.PatchOpsAsync($"/Users/{user["id"]}", $$"""[{"op":"replace","path":"userName","value":"{{new string('y', 300)}}"}]"""))
                .AssertError(HttpStatusCode.BadRequest, "invalidValue");
        }
        var api = await ApiClient.SignInAsync(fixture, account.Id);
        (await api.PostAsync($"/api/accounts/{account.Id}/teams", $$"""{"name":"{{new string('t', 3000)}}"}""")).AssertProblem(HttpStatusCode.BadRequest, "invalidValue");

        var schema = await account.Scim.GetAsync("/Schemas/urn:ietf:params:scim:schemas:core:2.0:User");
        var userName = schema.Json!["attributes"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "userName")!;
        Assert.EndsWith("At most 256 characters.", userName["description"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("GET", "/Users?sortBy=meta.resourceType")]
    [InlineData("GET", "/Groups?sortBy=meta.resourceType&sortOrder=descending")]
    [InlineData("POST", "/Users/.search")]
    [InlineData("POST", "/Groups/.search")]
    [InlineData("POST", "/.search")]
    public async Task SortByMetaResourceType_IsAnswered(string method, string path)
    {
        var account = await fixture.NewAccountAsync();
        await account.Scim.CreateUserAsync("sorted@example.com");
        await account.Scim.CreateGroupAsync("Sorted");
        var response = method == "GET"
            ? await account.Scim.GetAsync(path)
            : await account.Scim.PostAsync(path, """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"sortBy":"meta.resourceType"}""");
        response.AssertStatus(HttpStatusCode.OK);
        Assert.True(response.Json!["totalResults"]!.GetValue<int>() >= 1);
    }

    [Fact]
    public async Task AnEmojiInAFilterOrPath_IsQuotedWhole_AndTheRefusalIsAudited()
    {
        var account = await fixture.NewAccountAsync();
        var filter = await account.Scim.GetAsync("/Users?filter=" + Uri.EscapeDataString("userName eq 😀"));
        Assert.Equal("Unexpected character '😀' at position 13.", filter.AssertError(HttpStatusCode.BadRequest, "invalidFilter"));
        var user = await account.Scim.CreateUserAsync("emoji@example.com");
        var patch = await account.Scim.PatchOpsAsync($"/Users/{user["id"]}", """[{"op":"replace","path":"emails[type eq 🙂]","value":"x"}]""");
        Assert.Contains("'🙂'", patch.AssertError(HttpStatusCode.BadRequest, "invalidPath"));

        await using var db = fixture.Db();
        var details = await db.Database.SqlQuery<string>($"""
            SELECT detail AS "Value" FROM audit_log WHERE account_id = {account.Id} AND outcome = 'Refused' ORDER BY seq
            """).ToListAsync();
        Assert.Equal(2, details.Count);
        Assert.Contains("😀", details[0]);
        Assert.Contains("🙂", details[1]);
    }
}
