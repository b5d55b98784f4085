using System.Net;
using ScimServer.Accounts;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests.Idp;

/// <summary>
/// Okta's SCIM 2.0 app integration, in the order it runs a lifecycle, with the bodies of its SCIM guide: import
/// paging, a userName match, create with a password, PUT with the whole user, deactivation and reactivation by a
/// path-less replace, Push Groups (create, rename with the id in the value, members add, remove by filter, empty
/// push), and the refusals it shows in its task list.
/// </summary>
public sealed class OktaReplayTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private const string Json = "application/scim+json; charset=utf-8";
    private const string Ext = "urn:scimserver:schemas:extension:account:1.0:User";

    [Fact]
    public async Task FullLifecycle()
    {
        var idp = await IdpReplay.StartAsync(fixture, IdentityProviderKind.Okta, Json, ("professional", 10), ("elite", 1));

        // Test connection and import: page through users.
        var page = await idp.Send("GET", "/Users?startIndex=1&count=2");
        page.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1, page.Json!["startIndex"]!.GetValue<int>());

        // Assign: match by userName, then create (Okta sends the password when password sync is on).
        var match = await idp.Send("GET", "/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100");
        Assert.Equal(0, match.Json!["totalResults"]!.GetValue<int>());
        var admin = await idp.Created("POST", "/Users", $$$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{{Ext}}}"],"userName":"test.user@okta.local",
             "name":{"givenName":"Test","familyName":"User"},"emails":[{"primary":true,"value":"test.user@okta.local","type":"work"}],
             "displayName":"Test User","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":true,
             "{{{Ext}}}":{"role":"Admin","product":"professional"}}
            """);
        var other = await idp.Created("POST", "/Users", $$$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{{Ext}}}"],"userName":"elite.user@okta.local",
             "name":{"givenName":"Elite","familyName":"User"},"emails":[{"primary":true,"value":"elite.user@okta.local","type":"work"}],
             "displayName":"Elite User","externalId":"00ujl29u0le5T6Aj10h8","groups":[],"active":true,"{{{Ext}}}":{"product":"elite"}}
            """);

        // Profile push: PUT with the whole user as Okta holds it (id and meta included).
        var current = (await idp.Send("GET", $"/Users/{admin}")).Json!;
        current["name"]!["familyName"] = "Renamed";
        current["displayName"] = "Test Renamed";
        (await idp.Send("PUT", $"/Users/{admin}", current.ToJsonString())).AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Renamed", (await idp.Send("GET", $"/Users/{admin}")).Json!["name"]!["familyName"]!.GetValue<string>());

        // Refusal: the one elite seat is taken, so moving the admin there is refused and nothing changes.
        var seat = await idp.Send("PATCH", $"/Users/{admin}", $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"{{{Ext}}}:product":"elite"}}]}
            """);
        Assert.Contains("No free seat on product 'Elite'", seat.AssertError(HttpStatusCode.Forbidden, null));

        // Refusal: the only Admin cannot be deactivated.
        var lastAdmin = await idp.Send("PATCH", $"/Users/{admin}", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}
            """);
        Assert.Contains("last active Admin", lastAdmin.AssertError(HttpStatusCode.Forbidden, null));

        // Unassign deactivates (Okta never deletes); reassign reactivates; a password push is a path-less replace too.
        foreach (var body in new[]
        {
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}""",
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":true}}]}""",
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"password":"t1meMa$heen"}}]}""",
        })
        {
            (await idp.Send("PATCH", $"/Users/{other}", body)).AssertStatus(HttpStatusCode.OK);
        }
        var reactivated = (await idp.Send("GET", $"/Users/{other}")).Json!;
        Assert.True(reactivated["active"]!.GetValue<bool>());
        Assert.Null(reactivated["password"]);

        // Push Groups: match, create empty, rename (Okta puts the id in the value), add, remove by filter, push empty.
        Assert.Equal(0, (await idp.Send("GET", "/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100")).Json!["totalResults"]!.GetValue<int>());
        var group = await idp.Created("POST", "/Groups", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]}
            """);
        (await idp.Send("PATCH", $"/Groups/{group}", $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"{{{group}}}","displayName":"Test SCIMv2 updated"}}]}
            """)).AssertStatus(HttpStatusCode.NoContent);
        (await idp.Send("PATCH", $"/Groups/{group}", $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[
              {"value":"{{{admin}}}","display":"test.user@okta.local"},{"value":"{{{other}}}","display":"elite.user@okta.local"}]}]}
            """)).AssertStatus(HttpStatusCode.NoContent);
        (await idp.Send("PATCH", $"/Groups/{group}", $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"{{{other}}}\"]"}]}
            """)).AssertStatus(HttpStatusCode.NoContent);
        var pushed = (await idp.Send("GET", $"/Groups/{group}")).Json!;
        Assert.Equal("Test SCIMv2 updated", pushed["displayName"]!.GetValue<string>());
        Assert.Equal([admin], pushed["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
        (await idp.Send("PATCH", $"/Groups/{group}", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"members","value":[]}]}
            """)).AssertStatus(HttpStatusCode.NoContent);
        Assert.Null((await idp.Send("GET", $"/Groups/{group}")).Json!["members"]);
        (await idp.Send("DELETE", $"/Groups/{group}")).AssertStatus(HttpStatusCode.NoContent);

        // Creating a user that exists is a 409 uniqueness, which Okta turns into a match.
        var again = await idp.Send("POST", "/Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"TEST.USER@okta.local","name":{"givenName":"T","familyName":"U"},"active":true}
            """);
        again.AssertError(HttpStatusCode.Conflict, "uniqueness");

        // Refusal: SSO not active any more: Okta is told 403 with the reason on its next call.
        await idp.SsoStatusAsync(SsoStatus.Configured);
        var gated = await idp.Send("GET", "/Users?filter=userName%20eq%20%22test.user%40okta.local%22");
        Assert.Contains("SSO", gated.AssertError(HttpStatusCode.Forbidden, null));
    }
}
