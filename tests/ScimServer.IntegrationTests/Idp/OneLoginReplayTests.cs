using System.Net;
using ScimServer.Accounts;
using ScimServer.IntegrationTests.Support;

namespace ScimServer.IntegrationTests.Idp;

/// <summary>
/// OneLogin's SCIM v2 provisioner (the "SCIM Provisioner with SAML (SCIM v2 Enterprise)" app): a userName match,
/// create with the enterprise extension and the app's custom role attribute, updates as PUT of the whole user,
/// suspension as a PUT with active false, deletion, and group provisioning from rules (create, members by value
/// arrays, rename by PATCH), with the refusals OneLogin logs as failed provisioning events.
/// </summary>
public sealed class OneLoginReplayTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private const string Json = "application/json";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    [Fact]
    public async Task FullLifecycle()
    {
        var idp = await IdpReplay.StartAsync(fixture, IdentityProviderKind.OneLogin, Json, ("professional", 1), ("elite", 5));
        // The OneLogin app sends its role rule's value in "roles"; the account maps it to a product.
        var api = await ApiClient.SignInAsync(fixture, idp.Account.Id);
        (await api.PutAsync($"/api/accounts/{idp.Account.Id}/idp-role-mappings",
            """[{"idpRole":"Data Admin","role":"Admin","product":"elite"},{"idpRole":"Elite","product":"elite"}]""")).AssertStatus(HttpStatusCode.OK);

        Assert.Equal(0, (await idp.Send("GET", "/Users?filter=userName%20eq%20%22ada%40onelogin.test%22")).Json!["totalResults"]!.GetValue<int>());
        var ada = await idp.Created("POST", "/Users", $$$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{{Enterprise}}}"],"userName":"ada@onelogin.test","externalId":"118394721",
             "name":{"givenName":"Ada","familyName":"Lovelace"},"emails":[{"value":"ada@onelogin.test","primary":true,"type":"work"}],
             "title":"Analyst","active":true,"roles":[{"value":"Data Admin"}],
             "{{{Enterprise}}}":{"department":"Research","organization":"Acme"}}
            """);
        var grace = await idp.Created("POST", "/Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grace@onelogin.test","externalId":"118394722",
             "name":{"givenName":"Grace","familyName":"Hopper"},"emails":[{"value":"grace@onelogin.test","primary":true,"type":"work"}],"active":true}
            """);
        var adaRead = (await idp.Send("GET", $"/Users/{ada}")).Json!["urn:scimserver:schemas:extension:account:1.0:User"]!;
        Assert.Equal(("Admin", "elite"), (adaRead["role"]!.GetValue<string>(), adaRead["product"]!.GetValue<string>()));

        // Refusal: the one professional seat is Grace's; a third user on the default product is refused.
        var full = await idp.Send("POST", "/Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alan@onelogin.test","externalId":"118394723",
             "name":{"givenName":"Alan","familyName":"Turing"},"active":true}
            """);
        Assert.Contains("No free seat on product 'Professional'", full.AssertError(HttpStatusCode.Forbidden, null));

        // Update: OneLogin PUTs the whole user. Adding the Elite role moves Grace to elite (and frees professional).
        (await idp.Send("PUT", $"/Users/{grace}", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grace@onelogin.test","externalId":"118394722",
             "name":{"givenName":"Grace","familyName":"Hopper-Murray"},"emails":[{"value":"grace@onelogin.test","primary":true,"type":"work"}],
             "active":true,"roles":[{"value":"Elite"}]}
            """)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal("elite", (await idp.Send("GET", $"/Users/{grace}")).Json!["urn:scimserver:schemas:extension:account:1.0:User"]!["product"]!.GetValue<string>());

        // Refusal: removing Ada's admin role would leave the account without an Admin.
        var demote = await idp.Send("PUT", $"/Users/{ada}", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@onelogin.test","externalId":"118394721",
             "name":{"givenName":"Ada","familyName":"Lovelace"},"active":true,"roles":[]}
            """);
        Assert.Contains("last active Admin", demote.AssertError(HttpStatusCode.Forbidden, null));

        // Groups from rules: create, add by value array, rename, remove by value array.
        var group = await idp.Created("POST", "/Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Research","members":[]}""");
        (await idp.Send("PATCH", $"/Groups/{group}", $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{{ada}}}"},{"value":"{{{grace}}}"}]}]}
            """)).AssertStatus(HttpStatusCode.NoContent);
        (await idp.Send("PATCH", $"/Groups/{group}", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Research & Data"}]}
            """)).AssertStatus(HttpStatusCode.NoContent);
        (await idp.Send("PATCH", $"/Groups/{group}", $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members","value":[{"value":"{{{grace}}}"}]}]}
            """)).AssertStatus(HttpStatusCode.NoContent);
        var members = await idp.Send("GET", $"/Users?filter=groups.value%20eq%20%22{group}%22&attributes=userName");
        Assert.Equal(["ada@onelogin.test"], members.Strings("userName"));

        // Suspend (PUT with active false), then delete: both free the seat; the deleted user leaves the group.
        (await idp.Send("PUT", $"/Users/{grace}", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grace@onelogin.test","externalId":"118394722",
             "name":{"givenName":"Grace","familyName":"Hopper-Murray"},"active":false,"roles":[{"value":"Elite"}]}
            """)).AssertStatus(HttpStatusCode.OK);
        Assert.False((await idp.Send("GET", $"/Users/{grace}")).Json!["active"]!.GetValue<bool>());
        (await idp.Send("DELETE", $"/Users/{grace}")).AssertStatus(HttpStatusCode.NoContent);
        (await idp.Send("GET", $"/Users/{grace}")).AssertError(HttpStatusCode.NotFound, null);

        // Refusal: SSO not active: OneLogin logs the 403 and its detail.
        await idp.SsoStatusAsync(SsoStatus.NotConfigured);
        var gated = await idp.Send("POST", "/Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"late@onelogin.test","name":{"givenName":"L","familyName":"Late"},"active":true}
            """);
        Assert.Contains("SSO", gated.AssertError(HttpStatusCode.Forbidden, null));
    }
}
